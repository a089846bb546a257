package thermos.runner;

/**
 * Why a runner cannot run its task, with the runner exit code that says so (DESIGN.md §4):
 * 101 internal error, 102 invalid task, 103 unknown error (e.g. the log is locked), 104 unknown
 * user, 105 task already terminal.
 */
public final class RunnerException extends Exception {
  public static final int INTERNAL_ERROR = 101;
  public static final int INVALID_TASK = 102;
  public static final int UNKNOWN_ERROR = 103;
  public static final int UNKNOWN_USER = 104;
  public static final int TERMINAL_TASK = 105;

  private final int exitCode;

  public RunnerException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public RunnerException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
