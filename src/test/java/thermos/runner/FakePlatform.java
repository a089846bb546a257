package thermos.runner;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import thermos.common.Clock;

/**
 * A process platform with no processes: runs are records the test drives (start, exit, vanish),
 * and signals take effect immediately and deterministically. Runs survive a runner "crash" so a
 * new runner can re-attach to them, as real coordinators do: a coordinator records the exit of
 * its run (the exit code, or the signal that killed it) whether or not a runner is following, and
 * {@link #reattach} reports it with its real stop time.
 *
 * <p>As on the real platform, the task's processes outside every live run — escaped daemons
 * ({@link #addOrphan}) and what is left of runs the runner no longer follows (e.g. a run a
 * crashed runner launched but never recorded) — are the "orphans" of {@link #signalOrphans}.
 */
public final class FakePlatform implements ProcessPlatform {
  /** One run of one process, as the fake OS sees it. */
  public static final class FakeRun {
    public final LaunchRequest request;
    public RunRef ref;
    ProcessEvents events;
    public boolean coordinatorAlive = true;
    public boolean userAlive;
    public boolean started;
    public boolean ignoresTerm;
    /** A background child that stays in the session after the user process exits. */
    public boolean lingeringChild;
    /**
     * How many more times a fresh child is forked into the session while a SIGKILL pass runs:
     * it escapes that pass (it was not there when the pass scanned) and lingers.
     */
    public int forksDuringKill;
    /** What the coordinator recorded when the user process ended (null: nothing recorded). */
    Termination termination;
    double stopTime;
    boolean forgotten;
    final List<Signal> signals = new ArrayList<>();

    FakeRun(LaunchRequest request, RunRef ref, ProcessEvents events) {
      this.request = request;
      this.ref = ref;
      this.events = events;
    }

    public String process() {
      return ref.process();
    }

    public int run() {
      return ref.run();
    }

    public List<Signal> signals() {
      return List.copyOf(signals);
    }

    /** What the coordinator recorded, or null. */
    public Termination termination() {
      return termination;
    }

    public boolean alive() {
      return coordinatorAlive || userAlive || lingeringChild;
    }

    /** A runner follows this run and hears about it right away. */
    boolean followed() {
      return !forgotten && events != null;
    }

    @Override
    public String toString() {
      return ref + (coordinatorAlive ? " coord" : "") + (userAlive ? " user" : "")
          + (lingeringChild ? " child" : "") + (termination != null ? " " + termination : "");
    }
  }

  /** An escaped daemon of the task. */
  public static final class Orphan {
    public boolean alive = true;
    public boolean ignoresTerm;
    public final List<Signal> signals = new ArrayList<>();
  }

  private final Clock clock;
  /** Every run ever launched, in launch order (a run index may repeat after a crash). */
  private final List<FakeRun> runs = new ArrayList<>();
  private final List<Orphan> orphans = new ArrayList<>();
  private final Set<String> failLaunch = new HashSet<>();
  private final Set<String> ignoreTerm = new HashSet<>();
  private int nextPid = 1000;
  public int launches;

  public FakePlatform(Clock clock) {
    this.clock = clock;
  }

  // ---- configuration ----

  public void failLaunchesOf(String process) {
    failLaunch.add(process);
  }

  public void stopFailingLaunchesOf(String process) {
    failLaunch.remove(process);
  }

  /** Every future run of {@code process} ignores SIGTERM. */
  public void ignoreTermIn(String process) {
    ignoreTerm.add(process);
  }

  public Orphan addOrphan() {
    Orphan o = new Orphan();
    orphans.add(o);
    return o;
  }

  // ---- driving runs ----

  /** The latest launch of run {@code run} of {@code process}. */
  public FakeRun run(String process, int run) {
    FakeRun found = null;
    for (FakeRun r : runs) {
      if (r.process().equals(process) && r.run() == run) {
        found = r;
      }
    }
    if (found == null) {
      throw new AssertionError("no run " + process + "/" + run + "; runs: " + runs);
    }
    return found;
  }

  /** The latest run of {@code process}. */
  public FakeRun latest(String process) {
    FakeRun latest = null;
    for (FakeRun r : runs) {
      if (r.process().equals(process)) {
        latest = r;
      }
    }
    if (latest == null) {
      throw new AssertionError("process " + process + " was never launched");
    }
    return latest;
  }

  /** Every run launched so far, in launch order. */
  public List<FakeRun> runs() {
    return List.copyOf(runs);
  }

  public boolean launched(String process) {
    return runs.stream().anyMatch(r -> r.process().equals(process));
  }

  /** How many runs of {@code process} were launched. */
  public int launchCount(String process) {
    return (int) runs.stream().filter(r -> r.process().equals(process)).count();
  }

  /** The user process comes up (the coordinator records RUNNING). */
  public void start(String process) {
    start(latest(process));
  }

  public void start(FakeRun r) {
    if (!r.coordinatorAlive || r.started) {
      throw new AssertionError("cannot start " + r);
    }
    int pid = nextPid++;
    r.ref = r.ref.withUser(pid, clock.currentTimeSeconds());
    r.userAlive = true;
    r.started = true;
    if (r.followed()) {
      r.events.running(r.process(), r.run(), pid, r.ref.startTime());
    }
  }

  /** The user process ends; the coordinator records it and exits. */
  public void end(String process, Termination t) {
    end(latest(process), t);
  }

  public void end(FakeRun r, Termination t) {
    if (!r.userAlive || !r.coordinatorAlive) {
      throw new AssertionError("cannot end " + r);
    }
    r.userAlive = false;
    recordExit(r, t);
  }

  public void exit(String process, int code) {
    end(process, Termination.exited(code));
  }

  /** The coordinator records the user process's end, tells a following runner, and exits. */
  private void recordExit(FakeRun r, Termination t) {
    r.coordinatorAlive = false;
    r.termination = t;
    r.stopTime = clock.currentTimeSeconds();
    if (r.followed()) {
      r.events.exited(r.process(), r.run(), t, r.stopTime);
    }
  }

  /** The coordinator dies without recording an exit (e.g. SIGKILLed by someone else). */
  public void vanish(String process) {
    vanish(latest(process));
  }

  public void vanish(FakeRun r) {
    r.coordinatorAlive = false;
    r.userAlive = false;
    if (r.followed()) {
      r.events.vanished(r.process(), r.run());
    }
  }

  /** The runner died: nothing is followed until a new runner re-attaches. */
  public void runnerCrashed() {
    for (FakeRun r : runs) {
      r.events = null;
    }
  }

  /** Every process of the task that is still alive (runs, leftovers, orphans). */
  public List<String> aliveProcesses() {
    List<String> alive = new ArrayList<>();
    for (FakeRun r : runs) {
      if (r.alive()) {
        alive.add(r.toString());
      }
    }
    for (int i = 0; i < orphans.size(); i++) {
      if (orphans.get(i).alive) {
        alive.add("orphan#" + i);
      }
    }
    return alive;
  }

  // ---- ProcessPlatform ----

  @Override
  public RunRef launch(LaunchRequest request, ProcessEvents events) throws LaunchException {
    launches++;
    if (failLaunch.contains(request.process())) {
      throw new LaunchException("cannot launch " + request.process() + " (fake)");
    }
    RunRef ref = new RunRef(request.process(), request.run(), nextPid++,
        clock.currentTimeSeconds(), null, null);
    FakeRun r = new FakeRun(request, ref, events);
    r.ignoresTerm = ignoreTerm.contains(request.process());
    runs.add(r);
    return ref;
  }

  private FakeRun find(RunRef ref) {
    for (FakeRun r : runs) {
      if (r.ref.coordinatorPid() == ref.coordinatorPid() && r.process().equals(ref.process())
          && r.run() == ref.run()) {
        return r;
      }
    }
    return null;
  }

  @Override
  public void reattach(RunRef ref, ProcessEvents events) {
    FakeRun r = find(ref);
    if (r == null) {
      events.vanished(ref.process(), ref.run());
      return;
    }
    r.events = events;
    r.forgotten = false;
    if (r.started && ref.pid() == null) {
      events.running(ref.process(), ref.run(), r.ref.pid(), r.ref.startTime());
    }
    if (r.termination != null) {
      events.exited(ref.process(), ref.run(), r.termination, r.stopTime);
    } else if (!r.coordinatorAlive) {
      events.vanished(ref.process(), ref.run());
    }
  }

  @Override
  public void forget(String process, int run) {
    for (FakeRun r : runs) {
      if (r.process().equals(process) && r.run() == run) {
        r.forgotten = true;
      }
    }
  }

  @Override
  public int signalRun(RunRef ref, Signal signal, boolean includeCoordinator) {
    FakeRun r = find(ref);
    return r == null ? 0 : signal(r, signal, includeCoordinator);
  }

  private int signal(FakeRun r, Signal signal, boolean includeCoordinator) {
    r.signals.add(signal);
    boolean dies = signal == Signal.KILL || !r.ignoresTerm;
    int n = 0;
    if (r.lingeringChild && dies) {
      r.lingeringChild = false;
      n++;
    }
    if (signal == Signal.KILL && n + (r.userAlive ? 1 : 0) > 0 && r.forksDuringKill > 0) {
      // A process of the tree forks as the pass kills it: the child escapes this pass.
      r.forksDuringKill--;
      r.lingeringChild = true;
    }
    if (r.userAlive && dies) {
      n++;
      r.userAlive = false;
      if (r.coordinatorAlive && !includeCoordinator) {
        // the coordinator survives and records the death by signal
        recordExit(r, Termination.signalled(signal.number()));
      }
    }
    if (includeCoordinator && r.coordinatorAlive) {
      r.coordinatorAlive = false;
      n++;
      if (r.followed()) {
        r.events.vanished(r.process(), r.run());
      }
    }
    return n;
  }

  @Override
  public boolean runAlive(RunRef ref) {
    FakeRun r = find(ref);
    return r != null && r.alive();
  }

  /** Runs of the task that are alive but not among {@code live}: leftovers, to the runner. */
  private List<FakeRun> leftovers(Collection<RunRef> live) {
    List<FakeRun> out = new ArrayList<>();
    for (FakeRun r : runs) {
      if (r.alive() && live.stream().noneMatch(l -> find(l) == r)) {
        out.add(r);
      }
    }
    return out;
  }

  @Override
  public int signalOrphans(Collection<RunRef> live, Signal signal) {
    int n = 0;
    for (Orphan o : orphans) {
      if (o.alive) {
        o.signals.add(signal);
        if (signal == Signal.KILL || !o.ignoresTerm) {
          o.alive = false;
        }
        n++;
      }
    }
    for (FakeRun r : leftovers(live)) {
      // Outside the live runs, the whole tree is fair game; a coordinator survives a TERM (it
      // traps it to record its child's end), not a KILL.
      n += signal(r, signal, signal == Signal.KILL);
    }
    return n;
  }

  /** Passes of SIGKILL over what is still alive, until a pass finds nothing (bounded). */
  @Override
  public boolean killAll(Collection<RunRef> runs) {
    for (int pass = 0; pass < 100; pass++) {
      int n = 0;
      for (RunRef ref : runs) {
        FakeRun r = find(ref);
        if (r != null && r.alive()) {
          n += signal(r, Signal.KILL, true);
        }
      }
      n += signalOrphans(List.of(), Signal.KILL);
      if (n == 0) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean orphansAlive(Collection<RunRef> live) {
    return orphans.stream().anyMatch(o -> o.alive) || !leftovers(live).isEmpty();
  }

  @Override
  public void close() {}
}
