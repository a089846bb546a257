package thermos.runner;

/**
 * How a process ended: an exit code, or death by a signal.
 *
 * @param exitCode 0–255 when the process exited; -1 when it was signalled
 * @param signal the signal number when it was signalled; 0 otherwise
 */
public record Termination(int exitCode, int signal) {
  public static Termination exited(int code) {
    return new Termination(code, 0);
  }

  public static Termination signalled(int sig) {
    return new Termination(-1, sig);
  }

  /**
   * From a shell-style exit status. The JDK and bash both report a death by signal N as 128+N
   * and cannot tell it from {@code exit(128+N)}; like every shell we read 129–192 as a signal
   * (an OOM kill must count as a loss, not a failure — SEMANTICS.md §1b.8).
   */
  public static Termination fromShellStatus(int status) {
    if (status > 128 && status <= 128 + 64) {
      return signalled(status - 128);
    }
    return exited(status);
  }

  public boolean wasSignalled() {
    return signal > 0;
  }

  /** Thermos' return_code: the exit code, or minus the signal number. */
  public int returnCode() {
    return wasSignalled() ? -signal : exitCode;
  }
}
