package thermos.runner.local;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import thermos.runner.RunRef;
import thermos.runner.Signal;

/**
 * Finds a task's processes in the process table and signals them, proving each one ours first:
 * a run's processes are its session (the coordinator is the session leader) with our uid,
 * started after the coordinator; an orphan carries the task's marker in its environment. One
 * scan of {@code /proc} serves a whole batch of runs.
 */
final class RunScanner {
  /** How far a coordinator's start may be from its checkpointed fork time (Thermos: 10 s). */
  private static final double START_TOLERANCE_SECS = 10;

  private final ProcTable procs;
  private final int uid;
  private final String taskId;
  private final double taskStart;
  private final ProcessSignaller signaller = new ProcessSignaller();

  RunScanner(ProcTable procs, int uid, String taskId, double taskStart) {
    this.procs = procs;
    this.uid = uid;
    this.taskId = taskId;
    this.taskStart = taskStart;
  }

  int signalRuns(Collection<RunRef> runs, Signal signal, boolean includeCoordinator) {
    if (runs.isEmpty()) {
      return 0;
    }
    List<ProcInfo> table = procs.all();
    int n = 0;
    for (RunRef ref : runs) {
      for (ProcInfo p : runMembers(ref, table)) {
        if (p.pid() == ref.coordinatorPid() && !includeCoordinator) {
          continue;
        }
        if (signaller.send(p, signal)) {
          n++;
        }
      }
    }
    return n;
  }

  Set<RunRef> aliveRuns(Collection<RunRef> runs) {
    Set<RunRef> alive = new HashSet<>();
    if (runs.isEmpty()) {
      return alive;
    }
    List<ProcInfo> table = procs.all();
    for (RunRef ref : runs) {
      if (!runMembers(ref, table).isEmpty()) {
        alive.add(ref);
      }
    }
    return alive;
  }

  boolean isCoordinatorOf(ProcInfo p, RunRef ref) {
    return p.session() == ref.coordinatorPid() && p.uid() == uid
        && Math.abs(p.startTime() - ref.forkTime()) <= START_TOLERANCE_SECS;
  }

  /**
   * The live processes of a run's session that are provably ours: same uid, and either the
   * coordinator itself (pid + start time) or a member started after it. If the coordinator's pid
   * now belongs to someone else, nothing in that session is ours.
   */
  private List<ProcInfo> runMembers(RunRef ref, List<ProcInfo> table) {
    List<ProcInfo> members = new ArrayList<>();
    for (ProcInfo p : table) {
      if (p.pid() == ref.coordinatorPid() && p.isAlive() && !isCoordinatorOf(p, ref)) {
        return List.of(); // pid reused by an unrelated process
      }
    }
    for (ProcInfo p : table) {
      if (p.session() == ref.coordinatorPid() && p.uid() == uid && p.isAlive()
          && p.startTime() >= ref.forkTime() - 1) {
        members.add(p);
      }
    }
    return members;
  }

  int signalOrphans(Collection<RunRef> live, Signal signal) {
    int n = 0;
    for (ProcInfo p : orphans(live)) {
      if (signaller.send(p, signal)) {
        n++;
      }
    }
    return n;
  }

  boolean orphansAlive(Collection<RunRef> live) {
    return !orphans(live).isEmpty();
  }

  /** Processes carrying this task's marker outside every live run's session. */
  private List<ProcInfo> orphans(Collection<RunRef> live) {
    long self = ProcessHandle.current().pid();
    List<ProcInfo> found = new ArrayList<>();
    for (ProcInfo p : procs.all()) {
      if (p.pid() == self || !p.isAlive() || p.uid() != uid || p.startTime() < taskStart - 1) {
        continue;
      }
      boolean inLiveRun = live.stream().anyMatch(r -> r.coordinatorPid() == p.session());
      if (!inLiveRun && procs.hasEnvironment(p.pid(), LocalProcessPlatform.TASK_MARKER, taskId)) {
        found.add(p);
      }
    }
    return found;
  }
}
