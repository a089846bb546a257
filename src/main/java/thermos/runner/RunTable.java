package thermos.runner;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import thermos.ckpt.ReplayState;
import thermos.common.Clock;
import thermos.config.ProcessConfig;
import thermos.proto.ProcessState;
import thermos.proto.ProcessStatus;
import thermos.proto.RunnerCkpt;

/**
 * The runs the runner is responsible for: it launches them, turns what the platform reports
 * into checkpoint records, and tears them down. Live runs are the latest runs in FORKED or
 * RUNNING; draining runs are terminal runs whose process trees may still linger.
 */
final class RunTable {
  private static final Logger log = LoggerFactory.getLogger(RunTable.class);

  /** Makes a record durable and applies it (the runner's checkpoint). */
  interface Writer {
    void write(RunnerCkpt ckpt) throws IOException;
  }

  private final RunnerConfig config;
  private final Clock clock;
  private final ProcessPlatform platform;
  private final ReplayState state;
  private final Writer writer;
  private final ProcessEvents events;
  private final LaunchPlanner launches;
  private final Map<String, RunRef> live = new LinkedHashMap<>();
  private final List<RunRef> draining = new ArrayList<>();
  /** Runs ended in this step whose trees are still to be SIGKILLed: see {@link #finish}. */
  private final List<RunRef> unkilled = new ArrayList<>();
  /** What {@link #terminate} chose: a chosen run that comes up afterwards is TERMed then. */
  private Predicate<String> terminating = p -> false;

  RunTable(RunnerConfig config, Clock clock, ProcessPlatform platform, ReplayState state,
      Writer writer, ProcessEvents events) {
    this.config = config;
    this.clock = clock;
    this.platform = platform;
    this.state = state;
    this.writer = writer;
    this.events = events;
    this.launches = new LaunchPlanner(config);
  }

  Map<String, RunRef> live() {
    return Collections.unmodifiableMap(live);
  }

  // ---- launching ----

  /**
   * Launches what {@code plan} says may start now, within the task's concurrency limit.
   *
   * @return true if a launch failed (a FAILED run was recorded: the plan changed without an event)
   */
  boolean launchRunnable(TaskPlanner plan) throws IOException {
    boolean failed = false;
    for (String name : plan.toLaunch(config.task().maxConcurrency())) {
      long seq = state.latestSeq(name) + 1;
      writer.write(Records.waiting(name, seq));
      failed |= !fork(name, state.runCount(name) - 1, seq + 1);
    }
    return failed;
  }

  /**
   * Starts the run whose WAITING record is written; a launch failure is a failed run.
   *
   * @return false if the launch failed
   */
  private boolean fork(String name, int run, long seq) throws IOException {
    ProcessConfig process = config.task().process(name);
    RunRef ref;
    try {
      ref = platform.launch(launches.request(process, run), events);
    } catch (LaunchException | RuntimeException e) {
      log.warn("process {} run {} could not be launched: {}", name, run, e.getMessage());
      writer.write(Records.launchFailed(name, seq, clock.currentTimeSeconds()));
      return false;
    }
    try {
      writer.write(Records.forked(name, seq, ref.forkTime(), ref.coordinatorPid()));
    } catch (IOException | RuntimeException e) {
      // The log does not know this run: it must not outlive the failure.
      platform.signalRun(ref, Signal.KILL, true);
      platform.forget(name, run);
      throw e;
    }
    live.put(name, ref);
    return true;
  }

  // ---- what the platform reports ----

  void onRunning(RunnerEvent.Running r) throws IOException {
    RunRef ref = current(r.process(), r.run());
    if (ref == null || state.latestState(r.process()) != ProcessState.FORKED) {
      return;
    }
    writer.write(Records.running(r.process(), state.latestSeq(r.process()) + 1, r.startTime(),
        r.pid()));
    RunRef up = ref.withUser(r.pid(), r.startTime());
    live.put(r.process(), up);
    if (terminating.test(r.process())) {
      // It was still FORKED (no user process to signal) when CLEANING sent its SIGTERMs.
      platform.signalRun(up, Signal.TERM, false);
    }
  }

  void onExited(RunnerEvent.Exited x) throws IOException {
    RunRef ref = current(x.process(), x.run());
    if (ref == null) {
      return;
    }
    long seq = state.latestSeq(x.process()) + 1;
    if (state.latestState(x.process()) == ProcessState.FORKED) {
      // It ended before we could record it RUNNING (no pid): all we can say is LOST.
      writer.write(Records.lost(x.process(), seq, x.stopTime()));
    } else {
      writer.write(Records.ended(x.process(), seq, x.termination(), x.stopTime()));
    }
    finish(ref);
  }

  void onVanished(RunnerEvent.Vanished v) throws IOException {
    RunRef ref = current(v.process(), v.run());
    if (ref == null) {
      return;
    }
    log.warn("process {} run {}: coordinator gone without an exit record; LOST", v.process(),
        v.run());
    writer.write(Records.lost(v.process(), state.latestSeq(v.process()) + 1,
        clock.currentTimeSeconds()));
    finish(ref);
  }

  /** The live run {@code (process, run)}, or null if that run is not (or no longer) live. */
  private RunRef current(String process, int run) {
    RunRef ref = live.get(process);
    return ref != null && ref.run() == run ? ref : null;
  }

  /**
   * A run became terminal: nothing of its tree may outlive it (Thermos' kill_process). The
   * SIGKILLs go out at the end of the step ({@link #killEndedTrees}), after the launches the
   * exit allowed: finding a tree takes a scan of {@code /proc}, which would otherwise delay the
   * successor of every process of a chain. Whatever looks at what is alive kills them first.
   */
  private void finish(RunRef ref) {
    live.remove(ref.process());
    platform.forget(ref.process(), ref.run());
    unkilled.add(ref);
    draining.add(ref);
  }

  /** SIGKILLs the trees of the runs that ended since the last call. */
  void killEndedTrees() {
    if (!unkilled.isEmpty()) {
      platform.signalRuns(List.copyOf(unkilled), Signal.KILL, true);
      unkilled.clear();
    }
  }

  /** Runs FORKED for longer than the lost timeout never came up: LOST (SEMANTICS §1b.8). */
  void detectForkTimeouts(TaskPlanner plan) throws IOException {
    double now = clock.currentTimeSeconds();
    for (RunRef ref : List.copyOf(live.values())) {
      if (plan.contains(ref.process())
          && state.latestState(ref.process()) == ProcessState.FORKED
          && now - ref.forkTime() >= config.lostTimeout().toMillis() / 1000.0) {
        writer.write(Records.lost(ref.process(), state.latestSeq(ref.process()) + 1, now));
        finish(ref);
      }
    }
  }

  /** Wall-clock second at which the oldest FORKED run of {@code plan} times out, or NaN. */
  double nextForkTimeout(TaskPlanner plan) {
    double next = Double.NaN;
    for (RunRef ref : live.values()) {
      if (plan.contains(ref.process())
          && state.latestState(ref.process()) == ProcessState.FORKED) {
        double t = ref.forkTime() + config.lostTimeout().toMillis() / 1000.0;
        next = Double.isNaN(next) ? t : Math.min(next, t);
      }
    }
    return next;
  }

  // ---- teardown ----

  boolean anyLive(Predicate<String> which) {
    return live.keySet().stream().anyMatch(which);
  }

  /** SIGTERM every live run chosen (sparing coordinators, which record the exits) and orphans. */
  void terminate(Predicate<String> which) {
    killEndedTrees();
    terminating = which;
    List<RunRef> chosen = live.values().stream().filter(r -> which.test(r.process())).toList();
    platform.signalRunsAndOrphans(chosen, live.values(), Signal.TERM, false);
  }

  /**
   * Thermos' {@code _kill} at the task's end: every live run is recorded KILLED (rc -1) if any
   * of its processes is alive, else LOST; then everything of every run and every orphan is
   * SIGKILLed until none is left (one pass can miss a process forked meanwhile).
   */
  void killAtEnd() throws IOException {
    double now = clock.currentTimeSeconds();
    List<RunRef> chosen = List.copyOf(live.values());
    java.util.Set<RunRef> alive = chosen.isEmpty() ? java.util.Set.of()
        : platform.aliveRuns(chosen);
    for (RunRef ref : chosen) {
      long seq = state.latestSeq(ref.process()) + 1;
      writer.write(alive.contains(ref) ? Records.killed(ref.process(), seq, now)
          : Records.lost(ref.process(), seq, now));
      live.remove(ref.process());
      platform.forget(ref.process(), ref.run());
    }
    // Recorded first, now made true.
    draining.addAll(chosen);
    unkilled.clear(); // draining, which killAll kills
    killAll();
  }

  private void killAll() {
    List<RunRef> all = new ArrayList<>(draining);
    all.addAll(live.values());
    if (!platform.killAll(all)) {
      log.warn("some processes of task {} survived SIGKILL", config.taskId());
    }
  }

  /** Last resort when the log cannot be written: no process may outlive the runner. */
  void killUnrecorded() {
    killAll();
  }

  /** True while a terminal run's tree or an orphan is still alive. */
  boolean leftoversAlive() {
    killEndedTrees();
    ProcessPlatform.Leftovers left = platform.leftovers(draining, live.values());
    draining.retainAll(left.aliveRuns());
    return !left.none();
  }

  // ---- recovery ----

  /**
   * Picks up the runs an earlier runner left: live ones are re-attached (the platform reports
   * what happened while no runner watched); a run left WAITING (the runner died before forking
   * it) is forked now if its plan is the one running, else recorded as a failed launch.
   */
  void resume(Plans plans, thermos.proto.TaskState stage) throws IOException {
    for (String name : List.copyOf(state.processNames())) {
      ProcessStatus run = state.latestRun(name);
      int index = state.runCount(name) - 1;
      if (plans.planOf(name) == null) {
        continue;
      }
      if (run.getState() == ProcessState.WAITING) {
        boolean planRunning = plans.isFinal(name) ? stage == thermos.proto.TaskState.FINALIZING
            : stage == thermos.proto.TaskState.ACTIVE;
        if (planRunning) {
          fork(name, index, run.getSeq() + 1);
        } else {
          writer.write(Records.launchFailed(name, run.getSeq() + 1, clock.currentTimeSeconds()));
        }
      } else if (TaskRunner.isLive(run.getState())) {
        RunRef ref = new RunRef(name, index, run.getCoordinatorPid(), run.getForkTime(),
            run.hasPid() ? run.getPid() : null, run.hasStartTime() ? run.getStartTime() : null);
        live.put(name, ref);
        platform.reattach(ref, events);
      }
    }
  }
}
