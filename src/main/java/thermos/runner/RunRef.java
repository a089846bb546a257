package thermos.runner;

/**
 * One run of one process, and what the checkpoint says identifies its processes: the
 * coordinator (session leader) by pid and fork time, the user process by pid and start time once
 * it is RUNNING. Used to prove processes are ours before signalling them.
 *
 * @param pid null until the run is RUNNING
 * @param startTime seconds since the epoch; null until RUNNING
 */
public record RunRef(String process, int run, int coordinatorPid, double forkTime, Integer pid,
    Double startTime) {
  public RunRef withUser(int userPid, double start) {
    return new RunRef(process, run, coordinatorPid, forkTime, userPid, start);
  }

  @Override
  public String toString() {
    return process + "/" + run + " (coordinator " + coordinatorPid
        + (pid == null ? "" : ", pid " + pid) + ")";
  }
}
