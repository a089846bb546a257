package thermos.runner.local;

/**
 * One process as {@code /proc/PID/stat} describes it.
 *
 * @param state the one-letter state; 'Z' (zombie) and 'X' (dead) mean the process is gone
 * @param startTime seconds since the epoch (boot time + start ticks)
 * @param uid the owner of {@code /proc/PID} (the effective uid), or -1 if unknown
 */
public record ProcInfo(int pid, int ppid, int pgrp, int session, char state, long startTicks,
    double startTime, int uid) {
  /** A zombie is dead, although {@code ProcessHandle.isAlive()} says otherwise. */
  public boolean isAlive() {
    return state != 'Z' && state != 'X' && state != 'x';
  }
}
