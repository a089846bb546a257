package thermos.runner.local;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import thermos.common.Clock;
import thermos.runner.ProcessPlatform;
import thermos.runner.RunRef;
import thermos.runner.Signal;

/**
 * Finds a task's processes in the process table and signals them, proving each one ours first:
 * a run's processes are its session (the coordinator is the session leader) owned by the task's
 * {@link Owner}, started after the coordinator; an orphan carries the task's marker in its
 * environment. One scan of {@code /proc} serves a whole batch of runs.
 */
final class RunScanner {
  /** How far a coordinator's start may be from its checkpointed fork time (Thermos: 10 s). */
  static final double START_TOLERANCE_SECS = 10;
  /** Longest pause between two kill passes at the end (a SIGKILLed process dies in a few ms). */
  private static final long MAX_PAUSE_NANOS = 50_000_000L;

  private final ProcTable procs;
  private final Owner owner;
  private final String taskId;
  private final double taskStart;
  private final ProcessSignaller signaller;
  private final Clock clock;
  private final Pause pause;
  private final long self = ProcessHandle.current().pid();

  RunScanner(ProcTable procs, Owner owner, String taskId, double taskStart,
      ProcessSignaller signaller, Clock clock, Pause pause) {
    this.procs = procs;
    this.owner = owner;
    this.taskId = taskId;
    this.taskStart = taskStart;
    this.signaller = signaller;
    this.clock = clock;
    this.pause = pause;
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

  /** {@code p} is the run's coordinator: a session leader of ours started at its fork time. */
  boolean isCoordinatorOf(ProcInfo p, RunRef ref) {
    return p.pid() == ref.coordinatorPid() && p.session() == ref.coordinatorPid()
        && Math.abs(p.startTime() - ref.forkTime()) <= START_TOLERANCE_SECS
        && owner.owns(procs, p);
  }

  /**
   * The live processes of a run's session that are provably ours: owned by the task's owner,
   * and either the coordinator itself (pid + start time) or a member started after it. If the
   * coordinator's pid now belongs to someone else, nothing in that session is ours.
   */
  private List<ProcInfo> runMembers(RunRef ref, List<ProcInfo> table) {
    List<ProcInfo> members = new ArrayList<>();
    for (ProcInfo p : table) {
      if (p.pid() == ref.coordinatorPid() && p.isAlive() && !isCoordinatorOf(p, ref)) {
        return List.of(); // pid reused by an unrelated process
      }
    }
    for (ProcInfo p : table) {
      if (p.session() == ref.coordinatorPid() && p.isAlive()
          && p.startTime() >= ref.forkTime() - 1 && owner.owns(procs, p)) {
        members.add(p);
      }
    }
    return members;
  }

  /** {@link #signalRuns} and {@link #signalOrphans} on one scan of the table. */
  int signalRunsAndOrphans(Collection<RunRef> runs, Collection<RunRef> live, Signal signal,
      boolean includeCoordinator) {
    List<ProcInfo> table = procs.all();
    int n = 0;
    for (RunRef ref : runs) {
      for (ProcInfo p : runMembers(ref, table)) {
        if ((p.pid() != ref.coordinatorPid() || includeCoordinator) && signaller.send(p, signal)) {
          n++;
        }
      }
    }
    for (ProcInfo p : orphans(live, table)) {
      if (signaller.send(p, signal)) {
        n++;
      }
    }
    return n;
  }

  /** The runs among {@code runs} with a live member, and whether orphans are alive: one scan. */
  ProcessPlatform.Leftovers leftovers(Collection<RunRef> runs, Collection<RunRef> live) {
    List<ProcInfo> table = procs.all();
    Set<RunRef> alive = new HashSet<>();
    for (RunRef ref : runs) {
      if (!runMembers(ref, table).isEmpty()) {
        alive.add(ref);
      }
    }
    return new ProcessPlatform.Leftovers(alive, !orphans(live, table).isEmpty());
  }

  int signalOrphans(Collection<RunRef> live, Signal signal) {
    int n = 0;
    for (ProcInfo p : orphans(live, procs.all())) {
      if (signaller.send(p, signal)) {
        n++;
      }
    }
    return n;
  }

  boolean orphansAlive(Collection<RunRef> live) {
    return !orphans(live, procs.all()).isEmpty();
  }

  /** Processes carrying this task's marker outside every live run's session. */
  private List<ProcInfo> orphans(Collection<RunRef> live, List<ProcInfo> table) {
    List<ProcInfo> found = new ArrayList<>();
    for (ProcInfo p : table) {
      if (p.pid() == self || !p.isAlive() || p.startTime() < taskStart - 1
          || p.isKernelThread()) {
        continue;
      }
      boolean inLiveRun = live.stream().anyMatch(r -> r.coordinatorPid() == p.session());
      if (!inLiveRun && owner.owns(procs, p)
          && procs.hasEnvironment(p.pid(), LocalProcessPlatform.TASK_MARKER, taskId)) {
        found.add(p);
      }
    }
    return found;
  }

  /**
   * The task's end: SIGKILLs every process of the runs' sessions and every marked process of
   * the task, then looks again — a process forked between a scan and the kill escaped that pass
   * — until a scan finds none alive (zombies are dead), or {@code boundNanos} have passed.
   *
   * @return the processes still alive when it gave up (empty: none is left)
   */
  List<ProcInfo> killUntilGone(Collection<RunRef> runs, long boundNanos) {
    long deadline = clock.nanoTime() + boundNanos;
    long wait = 1_000_000L;
    while (true) {
      List<ProcInfo> table = procs.all();
      Map<Integer, ProcInfo> targets = new LinkedHashMap<>();
      for (RunRef ref : runs) {
        runMembers(ref, table).forEach(p -> targets.put(p.pid(), p));
      }
      orphans(List.of(), table).forEach(p -> targets.put(p.pid(), p));
      if (targets.isEmpty()) {
        return List.of();
      }
      targets.values().forEach(p -> signaller.send(p, Signal.KILL));
      if (clock.nanoTime() >= deadline) {
        return List.copyOf(targets.values());
      }
      pause.pause(wait);
      wait = Math.min(MAX_PAUSE_NANOS, wait * 2);
    }
  }
}
