package thermos.runner;

import java.io.Closeable;
import java.util.Collection;

/**
 * The runner's one door to the operating system: it launches runs, follows them, and signals
 * and scans their processes. The real one uses coordinators, {@code /proc} and file events; the
 * fake one in the tests is driven step by step.
 *
 * <p>Signals only ever reach processes proven to belong to the run (pid + start time + uid),
 * never a pid that merely matches.
 */
public interface ProcessPlatform extends Closeable {
  /**
   * Starts a run. Returns its identity as soon as the coordinator exists; RUNNING and the exit
   * arrive later through {@code events}.
   */
  RunRef launch(LaunchRequest request, ProcessEvents events) throws LaunchException;

  /**
   * Follows a run that an earlier runner launched: reports what its coordinator recorded while no
   * runner was watching (RUNNING, exit), then whatever happens next — or {@code vanished} if the
   * coordinator is gone without an exit record.
   */
  void reattach(RunRef run, ProcessEvents events);

  /** Stops following a run (it is terminal in the checkpoint). */
  void forget(String process, int run);

  /**
   * Sends {@code signal} to every live, verified process of the run's tree. With
   * {@code includeCoordinator} false the coordinator is spared (so it can record the exit).
   *
   * @return how many processes were signalled
   */
  int signalRun(RunRef run, Signal signal, boolean includeCoordinator);

  /** True if any verified process of the run's tree is alive (zombies count as dead). */
  boolean runAlive(RunRef run);

  /** {@link #signalRun} for several runs at once (one scan of the process table). */
  default int signalRuns(Collection<RunRef> runs, Signal signal, boolean includeCoordinator) {
    int n = 0;
    for (RunRef r : runs) {
      n += signalRun(r, signal, includeCoordinator);
    }
    return n;
  }

  /** The runs among {@code runs} that have a live process (one scan of the process table). */
  default java.util.Set<RunRef> aliveRuns(Collection<RunRef> runs) {
    java.util.Set<RunRef> alive = new java.util.HashSet<>();
    for (RunRef r : runs) {
      if (runAlive(r)) {
        alive.add(r);
      }
    }
    return alive;
  }

  /**
   * Sends {@code signal} to processes of this task that escaped their runs' sessions (outside
   * every run in {@code live}) — SEMANTICS.md difference 6.
   *
   * @return how many processes were signalled
   */
  int signalOrphans(Collection<RunRef> live, Signal signal);

  /** True if a process of this task is alive outside every run in {@code live}. */
  boolean orphansAlive(Collection<RunRef> live);

  /**
   * {@link #signalRuns} then {@link #signalOrphans} with the same signal: one scan of the process
   * table serves both (CLEANING's SIGTERM round).
   */
  default int signalRunsAndOrphans(Collection<RunRef> runs, Collection<RunRef> live,
      Signal signal, boolean includeCoordinator) {
    return signalRuns(runs, signal, includeCoordinator) + signalOrphans(live, signal);
  }

  /** What of a task is still alive: runs with a live process, and whether orphans are. */
  record Leftovers(java.util.Set<RunRef> aliveRuns, boolean orphans) {
    public boolean none() {
      return aliveRuns.isEmpty() && !orphans;
    }
  }

  /**
   * {@link #aliveRuns} of {@code runs} and {@link #orphansAlive} outside {@code live}: one scan
   * of the process table serves both.
   */
  default Leftovers leftovers(Collection<RunRef> runs, Collection<RunRef> live) {
    return new Leftovers(runs.isEmpty() ? java.util.Set.of() : aliveRuns(runs),
        orphansAlive(live));
  }

  /**
   * The task's end: SIGKILLs every verified process of the runs' trees (coordinators included)
   * and every orphan, and looks again until none is alive — a process forked between a scan and
   * its kill escapes one pass — within a bound.
   *
   * @return true if none is left
   */
  default boolean killAll(Collection<RunRef> runs) {
    for (int pass = 0; pass < 100; pass++) {
      if (signalRuns(runs, Signal.KILL, true) + signalOrphans(java.util.List.of(), Signal.KILL)
          == 0) {
        return true;
      }
    }
    return false;
  }

  @Override
  void close();
}
