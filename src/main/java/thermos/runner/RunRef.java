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

  // equals and hashCode by hand: a record's generated ones are linked (invokedynamic) the first
  // time they run, which costs a runner ~20 ms — and a runner first hashes runs at a stop.

  @Override
  public boolean equals(Object o) {
    return o instanceof RunRef r && run == r.run && coordinatorPid == r.coordinatorPid
        && Double.compare(forkTime, r.forkTime) == 0 && process.equals(r.process)
        && java.util.Objects.equals(pid, r.pid) && java.util.Objects.equals(startTime, r.startTime);
  }

  @Override
  public int hashCode() {
    int h = process.hashCode();
    h = 31 * h + run;
    h = 31 * h + coordinatorPid;
    h = 31 * h + Double.hashCode(forkTime);
    h = 31 * h + java.util.Objects.hashCode(pid);
    return 31 * h + java.util.Objects.hashCode(startTime);
  }

  @Override
  public String toString() {
    return process + "/" + run + " (coordinator " + coordinatorPid
        + (pid == null ? "" : ", pid " + pid) + ")";
  }
}
