package thermos.runner;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import thermos.common.Clock;

/**
 * A process platform with no processes: runs are records the test drives (start, exit, vanish),
 * and signals take effect immediately and deterministically. Runs survive a runner "crash" so a
 * new runner can re-attach to them, as real coordinators do.
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
    /** The exit the coordinator recorded while no runner followed the run. */
    Termination unreported;
    boolean forgotten;
    final List<Signal> signals = new ArrayList<>();

    FakeRun(LaunchRequest request, RunRef ref, ProcessEvents events) {
      this.request = request;
      this.ref = ref;
      this.events = events;
    }

    public List<Signal> signals() {
      return List.copyOf(signals);
    }

    boolean alive() {
      return coordinatorAlive || userAlive || lingeringChild;
    }
  }

  /** An escaped daemon of the task. */
  public static final class Orphan {
    public boolean alive = true;
    public boolean ignoresTerm;
    public final List<Signal> signals = new ArrayList<>();
  }

  private final Clock clock;
  private final Map<String, FakeRun> runs = new LinkedHashMap<>();
  private final List<Orphan> orphans = new ArrayList<>();
  private final Set<String> failLaunch = new HashSet<>();
  private final Set<String> ignoreTerm = new HashSet<>();
  private int nextPid = 1000;
  public int launches;

  public FakePlatform(Clock clock) {
    this.clock = clock;
  }

  private static String key(String process, int run) {
    return process + "/" + run;
  }

  // ---- configuration ----

  public void failLaunchesOf(String process) {
    failLaunch.add(process);
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

  public FakeRun run(String process, int run) {
    FakeRun r = runs.get(key(process, run));
    if (r == null) {
      throw new AssertionError("no run " + key(process, run) + "; runs: " + runs.keySet());
    }
    return r;
  }

  /** The latest run of {@code process}. */
  public FakeRun latest(String process) {
    FakeRun latest = null;
    for (FakeRun r : runs.values()) {
      if (r.ref.process().equals(process)) {
        latest = r;
      }
    }
    if (latest == null) {
      throw new AssertionError("process " + process + " was never launched");
    }
    return latest;
  }

  public boolean launched(String process) {
    return runs.values().stream().anyMatch(r -> r.ref.process().equals(process));
  }

  /** The user process comes up (the coordinator records RUNNING). */
  public void start(String process) {
    FakeRun r = latest(process);
    int pid = nextPid++;
    r.ref = r.ref.withUser(pid, clock.currentTimeSeconds());
    r.userAlive = true;
    r.started = true;
    if (!r.forgotten && r.events != null) {
      r.events.running(process, r.ref.run(), pid, r.ref.startTime());
    }
  }

  /** The user process ends; the coordinator records it and exits. */
  public void end(String process, Termination t) {
    FakeRun r = latest(process);
    r.userAlive = false;
    r.coordinatorAlive = false;
    if (r.forgotten) {
      return;
    }
    if (r.events != null) {
      r.events.exited(process, r.ref.run(), t, clock.currentTimeSeconds());
    } else {
      r.unreported = t;
    }
  }

  public void exit(String process, int code) {
    end(process, Termination.exited(code));
  }

  /** The coordinator dies without recording an exit (e.g. SIGKILLed by someone else). */
  public void vanish(String process) {
    FakeRun r = latest(process);
    r.coordinatorAlive = false;
    r.userAlive = false;
    if (!r.forgotten && r.events != null) {
      r.events.vanished(process, r.ref.run());
    }
  }

  /** The runner died: nothing is followed until a new runner re-attaches. */
  public void runnerCrashed() {
    for (FakeRun r : runs.values()) {
      r.events = null;
    }
  }

  /** Every process of the task that is still alive (runs, leftovers, orphans). */
  public List<String> aliveProcesses() {
    List<String> alive = new ArrayList<>();
    runs.forEach((k, r) -> {
      if (r.alive()) {
        alive.add(k);
      }
    });
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
    runs.put(key(request.process(), request.run()), r);
    return ref;
  }

  @Override
  public void reattach(RunRef ref, ProcessEvents events) {
    FakeRun r = runs.get(key(ref.process(), ref.run()));
    if (r == null || r.ref.coordinatorPid() != ref.coordinatorPid()) {
      events.vanished(ref.process(), ref.run());
      return;
    }
    r.events = events;
    r.forgotten = false;
    if (r.started && ref.pid() == null) {
      events.running(ref.process(), ref.run(), r.ref.pid(), r.ref.startTime());
    }
    if (r.unreported != null) {
      events.exited(ref.process(), ref.run(), r.unreported, clock.currentTimeSeconds());
      r.unreported = null;
    } else if (!r.coordinatorAlive) {
      events.vanished(ref.process(), ref.run());
    }
  }

  @Override
  public void forget(String process, int run) {
    FakeRun r = runs.get(key(process, run));
    if (r != null) {
      r.forgotten = true;
    }
  }

  @Override
  public int signalRun(RunRef ref, Signal signal, boolean includeCoordinator) {
    FakeRun r = runs.get(key(ref.process(), ref.run()));
    if (r == null || r.ref.coordinatorPid() != ref.coordinatorPid()) {
      return 0;
    }
    r.signals.add(signal);
    int n = 0;
    if (r.lingeringChild && (signal == Signal.KILL || !r.ignoresTerm)) {
      r.lingeringChild = false;
      n++;
    }
    if (r.userAlive && (signal == Signal.KILL || !r.ignoresTerm)) {
      n++;
      r.userAlive = false;
      if (!includeCoordinator) {
        // the coordinator survives and records the death by signal
        r.coordinatorAlive = false;
        if (!r.forgotten && r.events != null) {
          r.events.exited(ref.process(), ref.run(), Termination.signalled(signal.number()),
              clock.currentTimeSeconds());
        }
      }
    }
    if (includeCoordinator && r.coordinatorAlive) {
      r.coordinatorAlive = false;
      n++;
      if (!r.forgotten && r.events != null) {
        r.events.vanished(ref.process(), ref.run());
      }
    }
    return n;
  }

  @Override
  public boolean runAlive(RunRef ref) {
    FakeRun r = runs.get(key(ref.process(), ref.run()));
    return r != null && r.ref.coordinatorPid() == ref.coordinatorPid() && r.alive();
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
    return n;
  }

  @Override
  public boolean orphansAlive(Collection<RunRef> live) {
    return orphans.stream().anyMatch(o -> o.alive);
  }

  @Override
  public void close() {}
}
