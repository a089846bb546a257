package thermos.runner.local;

/**
 * One process as {@code /proc/PID/stat} describes it. Its owner is read separately, and only for
 * the processes that need it ({@link ProcTable#realUid}): most of a scan never does.
 *
 * @param state the one-letter state; 'Z' (zombie) and 'X' (dead) mean the process is gone
 * @param startTicks the start time in clock ticks since boot (identifies the process with pid)
 * @param startTime seconds since the epoch (boot time + start ticks)
 */
public record ProcInfo(int pid, int ppid, int pgrp, int session, char state, long startTicks,
    double startTime) {
  /** A kernel thread (kthreadd or one of its children): never a task's, and has no environment. */
  public boolean isKernelThread() {
    return pid == 2 || ppid == 2;
  }

  /** A zombie is dead, although {@code ProcessHandle.isAlive()} says otherwise. */
  public boolean isAlive() {
    return state != 'Z' && state != 'X' && state != 'x';
  }
}
