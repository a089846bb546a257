package thermos.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.ckpt.CheckpointDispatcher;
import thermos.ckpt.ReplayState;
import thermos.ckpt.States;
import thermos.config.Constraint;
import thermos.config.ProcessConfig;
import thermos.config.TaskConfig;
import thermos.config.TaskValidator;
import thermos.proto.KillRequest;
import thermos.proto.ProcessHistory;
import thermos.proto.ProcessState;
import thermos.proto.ProcessStatus;
import thermos.proto.RunnerCkpt;
import thermos.proto.RunnerState;
import thermos.proto.TaskState;

/**
 * Seeded random interleavings: random small tasks (1–5 processes, valid random constraints,
 * daemons, ephemerals, finals, max_failures, min_duration 0–5, concurrency, run caps) driven by
 * random events — starts, exits with random codes, deaths by signal, vanishing coordinators,
 * lingering children, TERM-ignoring processes, orphans, failing launches, clock jumps, kill and
 * lose requests with random grace, runner crashes (between steps, and right after a random
 * record) with exits happening while no runner is alive — always ending with a kill and enough
 * time to finish.
 *
 * <p>After every step: the live state equals the state replayed from the log on disk; per
 * process, seqs in the log go up by one (and the dispatcher, which throws on any gap, is never
 * bypassed: only simulated crashes are caught); the runner follows exactly the runs the log has
 * FORKED or RUNNING; nothing regular is launched once CLEANING began; no final process runs
 * before FINALIZING; max_concurrency holds. At the end: the task is terminal, nothing of it is
 * alive, every run is terminal and the sentinel is in finished.
 *
 * <p>A failure names its seed: replay it alone with
 * {@code -Dthermos.sim.seed=SEED -Dthermos.sim.schedules=1}. CI uses the fixed base seed.
 */
class RunnerRandomInterleavingTest {
  private static final long BASE_SEED = 0x7E4A05_2026L;
  private static final int SCHEDULES = Integer.getInteger("thermos.sim.schedules", 2000);

  @TempDir Path dir;

  private static final class Stats {
    final Map<TaskState, Integer> ends = new EnumMap<>(TaskState.class);
    final Map<String, Integer> events = new TreeMap<>();
    long steps;
    long records;

    void count(String event) {
      events.merge(event, 1, Integer::sum);
    }
  }

  @Test
  void randomSchedulesKeepTheRunnersInvariants() throws Exception {
    long base = Long.getLong("thermos.sim.seed", BASE_SEED);
    Stats stats = new Stats();
    Path scratch = scratchDir();
    var threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long cpu0 = threads.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    for (int i = 0; i < SCHEDULES; i++) {
      long seed = base + i;
      Path where = scratch.resolve("s" + i);
      Schedule s = new Schedule(seed, where, stats);
      try {
        s.run();
      } catch (Throwable t) {
        throw new AssertionError("schedule with seed " + seed + " failed: " + t
            + "\nreplay it with -Dthermos.sim.seed=" + seed + " -Dthermos.sim.schedules=1"
            + "\ntask: " + s.task + "\nlast events:\n  " + String.join("\n  ", s.tail()), t);
      }
      deleteTree(where);
    }
    if (!scratch.startsWith(dir)) {
      deleteTree(scratch);
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
    System.out.printf("random interleavings: %d schedules from seed %d in %.2f s (%.2f s CPU):"
        + " %d steps, %d records; ends %s; events %s%n", SCHEDULES, base, secs, cpu,
        stats.steps, stats.records, stats.ends, stats.events);
    if (SCHEDULES >= 500) {
      // The generator must keep reaching every corner, or the invariants prove little.
      for (TaskState end : List.of(TaskState.SUCCESS, TaskState.FAILED, TaskState.KILLED,
          TaskState.LOST)) {
        assertTrue(stats.ends.getOrDefault(end, 0) > 0, "no schedule ended " + end);
      }
      for (String e : List.of("crash", "crash-at-record", "exit-while-down", "vanish",
          "signal-death", "kill", "lose", "launch-failure", "orphan", "ended-by-105")) {
        assertTrue(stats.events.getOrDefault(e, 0) > 0, "no schedule had " + e);
      }
    }
  }

  /**
   * Where the schedules keep their checkpoint roots: a tmpfs if there is one (thousands of
   * tiny roots are created, written and deleted; on a disk that costs far more than the
   * simulation itself), else the JUnit temp dir.
   */
  private Path scratchDir() throws IOException {
    Path shm = Path.of("/dev/shm");
    if (Files.isDirectory(shm) && Files.isWritable(shm)) {
      return Files.createTempDirectory(shm, "thermos-sim-");
    }
    return dir;
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }

  /** One random task and one random schedule of events. */
  private static final class Schedule {
    final long seed;
    final SplittableRandom rnd;
    final Path where;
    final Stats stats;
    final List<String> trace = new ArrayList<>();
    TaskConfig task;
    int runLimit;
    /** Earliest deadline of the durable kill requests (wall ms), and of in-memory ones. */
    long durableDeadlineMs = Long.MAX_VALUE;
    long memoryDeadlineMs = Long.MAX_VALUE;
    /** The state of the first kill or lose requested while ACTIVE: the task must end in it. */
    TaskState forcedExpected;
    boolean forcedInMemory;
    boolean outcomeUnknown;
    boolean outcomeAmbiguous;
    boolean sameMillisecondKill;
    RunnerHarness h;
    boolean endedBy105;

    Schedule(long seed, Path where, Stats stats) {
      this.seed = seed;
      this.rnd = new SplittableRandom(seed);
      this.where = where;
      this.stats = stats;
    }

    List<String> tail() {
      return trace.subList(Math.max(0, trace.size() - 40), trace.size());
    }

    private void note(String what) {
      trace.add(what + " @" + (h == null ? "-" : h.clock.nanoTime() / 1_000_000 + "ms"));
    }

    private boolean chance(double p) {
      return rnd.nextDouble() < p;
    }

    private <T> T pick(List<T> items) {
      return items.get(rnd.nextInt(items.size()));
    }

    // ---- the task ----

    TaskConfig randomTask() throws Exception {
      int n = 1 + rnd.nextInt(5);
      List<ProcessConfig> ps = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        boolean isFinal = chance(0.25);
        ProcessConfig p = ProcessConfig.of("p" + i, "run p" + i)
            .withFinal(isFinal)
            .withDaemon(chance(0.2))
            .withEphemeral(chance(0.25))
            .withMaxFailures(chance(0.15) ? 0 : 1 + rnd.nextInt(3))
            .withMinDurationSecs(rnd.nextInt(6));
        ps.add(p);
      }
      List<Constraint> constraints = new ArrayList<>();
      for (boolean finals : new boolean[] {false, true}) {
        List<ProcessConfig> plan = new ArrayList<>(ps.stream()
            .filter(p -> p.isFinal() == finals).toList());
        java.util.Collections.shuffle(plan, new java.util.Random(rnd.nextLong()));
        for (int i = 0; i < plan.size(); i++) {
          for (int j = i + 1; j < plan.size(); j++) {
            ProcessConfig pred = plan.get(i);
            ProcessConfig succ = plan.get(j);
            if (chance(0.35) && !pred.daemon() && (!pred.ephemeral() || succ.ephemeral())) {
              constraints.add(new Constraint(List.of(pred.name(), succ.name())));
            }
          }
        }
      }
      TaskConfig t = TaskConfig.of("t", ps, constraints)
          .withMaxFailures(rnd.nextInt(3))
          .withMaxConcurrency(chance(0.6) ? 0 : 1 + rnd.nextInt(3))
          .withFinalizationWaitSecs(1 + rnd.nextInt(30));
      TaskValidator.validate(t); // the generator only makes valid tasks
      return t;
    }

    // ---- the schedule ----

    void run() throws Exception {
      task = randomTask();
      runLimit = pick(List.of(2, 3, 5, TaskPlanner.RUNNER_RUN_LIMIT));
      int crashAfter = chance(0.2) ? 1 + rnd.nextInt(12) : 0;
      note("task " + task + " runLimit " + runLimit + " crashAfter " + crashAfter);
      try {
        h = new RunnerHarness(where, task, runLimit, crashAfter);
      } catch (RunnerHarness.RunnerCrash c) {
        throw new AssertionError("crash escaped the harness", c);
      }
      if (h.crashes > 0) {
        stats.count("crash-at-record");
      }
      check(false);
      int actions = 5 + rnd.nextInt(60);
      for (int i = 0; i < actions && !over(); i++) {
        act();
        if (over()) {
          break;
        }
        guarded(h::step);
        settle();
        check(true);
        checkDeadline();
      }
      finish();
      stats.records += h.records().size();
      if (endedBy105) {
        stats.count("ended-by-105");
      }
    }

    private boolean over() {
      return endedBy105 || (!h.dead() && h.runner.isTerminal());
    }

    /** Steps the runner until a step completes without a crash (a new runner starts cold). */
    private void settle() throws Exception {
      int crashes;
      do {
        crashes = h.crashes;
        if (over()) {
          return;
        }
        guarded(h::step);
      } while (h.crashes > crashes);
    }

    /** Runs a runner action, surviving crashes; a restart that finds the task over ends it. */
    private void guarded(RunnerHarness.Action a) throws Exception {
      int crashes = h.crashes;
      try {
        h.survive(a);
      } catch (RunnerException e) {
        assertEquals(RunnerException.TERMINAL_TASK, e.exitCode(), e.getMessage());
        note("restart found the task terminal (105)");
        endedBy105 = true;
      }
      if (h.crashes > crashes) {
        forgetMemory();
        stats.count("crash-at-record");
        note("runner died after a record; restarted");
      }
      stats.steps++;
    }

    private List<FakePlatform.FakeRun> runs(java.util.function.Predicate<FakePlatform.FakeRun> p) {
      return h.platform.runs().stream().filter(p).toList();
    }

    /** One thing happening to the task's processes, if anything can; false otherwise. */
    private boolean platformAction(boolean calm) {
      List<FakePlatform.FakeRun> forked = runs(r -> r.coordinatorAlive && !r.started);
      List<FakePlatform.FakeRun> running = runs(r -> r.coordinatorAlive && r.userAlive);
      List<FakePlatform.FakeRun> alive = new ArrayList<>(forked);
      alive.addAll(running);
      // Weighted choices among what is possible now; "calm" (the end) only starts and exits.
      List<Runnable> choices = new ArrayList<>();
      List<Integer> weights = new ArrayList<>();
      java.util.function.BiConsumer<Integer, Runnable> option = (w, r) -> {
        weights.add(w);
        choices.add(r);
      };
      if (!forked.isEmpty()) {
        option.accept(30, () -> {
          FakePlatform.FakeRun r = pick(forked);
          note("start " + r.ref);
          h.platform.start(r);
        });
      }
      if (!running.isEmpty()) {
        option.accept(25, () -> {
          FakePlatform.FakeRun r = pick(running);
          int code = pick(List.of(0, 0, 0, 1, 2, 255));
          note("exit " + code + " " + r.ref);
          h.platform.end(r, Termination.exited(code));
        });
      }
      if (!calm && !running.isEmpty()) {
        option.accept(6, () -> {
          FakePlatform.FakeRun r = pick(running);
          int sig = pick(List.of(9, 15, 6));
          note("signal death " + sig + " " + r.ref);
          stats.count("signal-death");
          h.platform.end(r, Termination.signalled(sig));
        });
        option.accept(4, () -> {
          FakePlatform.FakeRun r = pick(running);
          note("lingering child in " + r.ref);
          r.lingeringChild = true;
        });
      }
      if (!calm && !alive.isEmpty()) {
        option.accept(5, () -> {
          FakePlatform.FakeRun r = pick(alive);
          note("vanish " + r.ref);
          stats.count("vanish");
          h.platform.vanish(r);
        });
        option.accept(4, () -> {
          FakePlatform.FakeRun r = pick(alive);
          note("ignores TERM: " + r.ref);
          r.ignoresTerm = true;
        });
      }
      if (!calm) {
        option.accept(1, () -> {
          FakePlatform.Orphan o = h.platform.addOrphan();
          o.ignoresTerm = chance(0.5);
          note("orphan (ignores TERM: " + o.ignoresTerm + ")");
          stats.count("orphan");
        });
        option.accept(3, () -> {
          String p = pick(task.processes()).name();
          if (chance(0.5)) {
            note("launches of " + p + " fail");
            stats.count("launch-failure");
            h.platform.failLaunchesOf(p);
          } else {
            note("launches of " + p + " work");
            h.platform.stopFailingLaunchesOf(p);
          }
        });
      }
      if (choices.isEmpty()) {
        return false;
      }
      int total = weights.stream().mapToInt(Integer::intValue).sum();
      int x = rnd.nextInt(total);
      for (int i = 0; i < choices.size(); i++) {
        x -= weights.get(i);
        if (x < 0) {
          choices.get(i).run();
          return true;
        }
      }
      throw new AssertionError("unreachable");
    }

    private void act() throws Exception {
      int what = rnd.nextInt(100);
      if (what < 55) {
        if (platformAction(false)) {
          return;
        }
        what = 55 + rnd.nextInt(45);
      }
      if (what < 65) {
        long ms = rnd.nextInt(2000);
        note("advance " + ms + "ms");
        guarded(() -> h.advance(Duration.ofMillis(ms)));
      } else if (what < 80) {
        note("advance to next timer");
        guarded(() -> h.advanceToNextTimer(Duration.ofSeconds(10)));
      } else if (what < 83) {
        note("advance 61s");
        guarded(() -> h.advance(Duration.ofSeconds(61)));
      } else if (what < 88) {
        kill(chance(0.7) ? TaskState.KILLED : TaskState.LOST, rnd.nextInt(20_001), chance(0.6));
      } else {
        crash();
      }
    }

    private void kill(TaskState state, long graceMs, boolean durable) throws Exception {
      long grace = state == TaskState.LOST ? 0 : graceMs;
      note((state == TaskState.LOST ? "lose" : "kill " + grace + "ms")
          + (durable ? " (durable)" : " (in memory)"));
      stats.count(state == TaskState.LOST ? "lose" : "kill");
      TaskState stage = h.taskState();
      if (!States.isTerminal(stage)) {
        long deadline = h.clock.currentTimeMillis() + grace;
        if (durable) {
          durableDeadlineMs = Math.min(durableDeadlineMs, deadline);
        } else {
          memoryDeadlineMs = Math.min(memoryDeadlineMs, deadline);
        }
        if (stage == TaskState.ACTIVE && forcedExpected == null) {
          // Applied while ACTIVE (the runner applies queued events before it advances).
          forcedExpected = state;
          forcedInMemory = !durable;
        } else if (stage != TaskState.ACTIVE && forcedExpected == null
            && firstCleaningMs() == h.clock.currentTimeMillis()) {
          // A restarted runner cannot tell this kill from one that caused CLEANING in the
          // same millisecond (Stages.cleaningCausedBy): a known ambiguity, after a crash.
          sameMillisecondKill = true;
        }
      }
      if (durable) {
        h.requestDurableKill(state, grace);
      } else {
        h.requestKill(state, grace);
      }
    }

    private long firstCleaningMs() {
      for (var st : h.state().getStatusesList()) {
        if (st.getState() == TaskState.CLEANING) {
          return st.getTimestampMs();
        }
      }
      return -1;
    }

    /**
     * A runner died. The in-memory requests it applied are in the request file (it records a
     * request before acting on it); those still queued are gone.
     */
    private void forgetMemory() {
      Optional<KillRequest> recorded =
          KillRequests.read(h.config.paths().killRequest(h.config.taskId()));
      recorded.ifPresent(r -> durableDeadlineMs =
          Math.min(durableDeadlineMs, r.getRequestedAtMs() + r.getGraceMs()));
      memoryDeadlineMs = Long.MAX_VALUE;
      if (forcedInMemory && recorded.isEmpty()) {
        // The kill that decided the end was never applied: its successor never heard of it. (A
        // recorded file holds it: it was the first request of all.)
        outcomeUnknown = true;
      }
      outcomeAmbiguous |= sameMillisecondKill;
    }

    /** After a completed step: a kill's deadline that has passed means the task is over. */
    private void checkDeadline() {
      long deadline = Math.min(durableDeadlineMs, memoryDeadlineMs);
      if (deadline != Long.MAX_VALUE && h.clock.currentTimeMillis() > deadline) {
        assertTrue(over(), "a kill's deadline passed at " + deadline + " ms, yet the task is "
            + h.taskState());
      }
    }

    /** The runner dies; things happen while none is alive; a new one starts. */
    private void crash() throws Exception {
      note("crash");
      stats.count("crash");
      h.crash();
      forgetMemory();
      int meanwhile = rnd.nextInt(4);
      for (int i = 0; i < meanwhile; i++) {
        if (chance(0.3)) {
          long ms = rnd.nextInt(5000);
          note("while down: advance " + ms + "ms");
          h.clock.advance(Duration.ofMillis(ms));
        } else {
          int ended = runs(r -> r.termination() != null).size();
          platformAction(false);
          if (runs(r -> r.termination() != null).size() > ended) {
            stats.count("exit-while-down");
          }
        }
      }
      if (chance(0.3)) {
        int n = 1 + rnd.nextInt(10);
        note("next runner dies after its record #" + n);
        h.crashAfterRecords(n);
      }
      note("restart");
      guarded(h::restartAfterCrash);
      if (!endedBy105) {
        check(false);
      }
    }

    /** A last kill, then time and events until the task is over. */
    private void finish() throws Exception {
      if (!over()) {
        kill(chance(0.75) ? TaskState.KILLED : TaskState.LOST, rnd.nextInt(10_001), true);
        guarded(h::step);
      }
      for (int i = 0; i < 5_000 && !over(); i++) {
        if (chance(0.5)) {
          platformAction(true);
        }
        if (chance(0.01)) {
          crash();
          continue;
        }
        guarded(() -> h.advanceToNextTimer(Duration.ofSeconds(5)));
        settle();
        if (!over()) {
          check(true);
        }
        checkDeadline();
      }
      assertTrue(over(), "the task never ended: " + (h.dead() ? "(runner dead)" : h.statuses()));
      checkEnd();
      TaskState end = endState();
      note("end " + end);
      stats.ends.merge(end, 1, Integer::sum);
      checkOutcome(end);
    }

    // ---- invariants ----

    /** @param afterStep the runner has just stepped (so it had its chance to act) */
    private void check(boolean afterStep) throws IOException {
      if (h.dead()) {
        return;
      }
      RunnerState live = h.state();
      List<RunnerCkpt> records = h.records();
      Plans plans = new Plans(task, h.clock, runLimit);
      assertEquals(replay(records, plans), live, "live state differs from the log");
      Sim.assertSeqsContiguous(records);
      checkLaunchesByStage(records);
      TaskState stage = h.taskState();
      Set<String> following = new HashSet<>(h.runner.liveRuns().keySet());
      Set<String> liveInLog = new HashSet<>();
      int inFlight = 0;
      for (Map.Entry<String, ProcessHistory> e : live.getProcessesMap().entrySet()) {
        List<ProcessStatus> runs = e.getValue().getRunsList();
        ProcessState last = runs.get(runs.size() - 1).getState();
        if (last == ProcessState.FORKED || last == ProcessState.RUNNING) {
          liveInLog.add(e.getKey());
        }
        ProcessConfig p = task.process(e.getKey());
        if (!p.isFinal() && stage != TaskState.ACTIVE && stage != TaskState.CLEANING) {
          assertTrue(States.isTerminal(last), "regular " + p.name() + " " + last + " in "
              + stage);
        }
        boolean inPlan = p.isFinal() ? stage == TaskState.FINALIZING : stage == TaskState.ACTIVE;
        if (inPlan && !States.isTerminal(last)) {
          inFlight++;
        }
      }
      assertEquals(liveInLog, following, "the runner follows other runs than the log has live");
      if (task.maxConcurrency() > 0) {
        assertTrue(inFlight <= task.maxConcurrency(), inFlight + " runs in flight, limit "
            + task.maxConcurrency());
      }
      if (afterStep) {
        checkProgress(stage, plans, live);
      }
      if (States.isTerminal(stage)) {
        checkEnd();
      }
    }

    /**
     * Nothing the runner could do now is left undone after a step: no stage that is over is
     * still current, nothing launchable is left unlaunched, and CLEANING has SIGTERMed every
     * regular run that is up (a SIGTERM kills at once on the fake platform unless ignored).
     * The plans come from the log (their min_duration gates start at the replay, so they are
     * never more permissive than the runner's own).
     */
    private void checkProgress(TaskState stage, Plans plans, RunnerState live) {
      int room = task.maxConcurrency();
      switch (stage) {
        case ACTIVE -> {
          assertFalse(plans.regular().isComplete(), "ACTIVE, yet the regular plan is complete");
          assertTrue(plans.regularHealthy(), "ACTIVE, yet the regular plan is unhealthy");
          assertEquals(List.of(), plans.regular().toLaunch(room), "launchable, not launched");
        }
        case CLEANING -> {
          boolean regularLive = false;
          for (Map.Entry<String, ProcessHistory> e : live.getProcessesMap().entrySet()) {
            if (task.process(e.getKey()).isFinal()) {
              continue;
            }
            ProcessStatus last = e.getValue().getRuns(e.getValue().getRunsCount() - 1);
            if (last.getState() != ProcessState.FORKED
                && last.getState() != ProcessState.RUNNING) {
              continue;
            }
            regularLive = true;
            for (FakePlatform.FakeRun r : h.platform.runs()) {
              if (r.ref.coordinatorPid() == last.getCoordinatorPid()) {
                assertFalse(r.userAlive && !r.ignoresTerm, "CLEANING left " + r + " un-TERMed");
              }
            }
          }
          assertTrue(regularLive || !h.platform.aliveProcesses().isEmpty(),
              "CLEANING with nothing left to wait for");
        }
        case FINALIZING -> {
          assertFalse(plans.finalizing().isComplete(), "FINALIZING, yet the final plan is done");
          assertFalse(plans.finalizing().isDeadlocked(), "FINALIZING a deadlocked final plan");
          assertEquals(List.of(), plans.finalizing().toLaunch(room), "launchable, not launched");
        }
        default -> { }
      }
    }

    /** The log's records replayed in normal mode: any sequence gap or bad transition throws. */
    private static RunnerState replay(List<RunnerCkpt> records, Plans plans) {
      ReplayState state = new ReplayState();
      CheckpointDispatcher dispatcher = new CheckpointDispatcher();
      dispatcher.register(plans);
      for (RunnerCkpt r : records) {
        dispatcher.dispatch(state, r);
      }
      return state.toProto();
    }

    /**
     * A regular run starts (WAITING) only while the task is ACTIVE, a final one only while it is
     * FINALIZING (statuses only move forward, so the latest status before the record decides).
     */
    private void checkLaunchesByStage(List<RunnerCkpt> records) {
      TaskState current = null;
      for (RunnerCkpt r : records) {
        if (r.hasTaskStatus()) {
          current = r.getTaskStatus().getState();
        } else if (r.hasProcessStatus()
            && r.getProcessStatus().getState() == ProcessState.WAITING) {
          ProcessConfig p = task.process(r.getProcessStatus().getProcess());
          assertEquals(p.isFinal() ? TaskState.FINALIZING : TaskState.ACTIVE, current,
              (p.isFinal() ? "final " : "regular ") + p.name() + " launched in " + current);
        }
      }
    }

    private void checkEnd() throws IOException {
      RunnerState disk = h.replayed();
      if (!h.dead()) {
        assertEquals(disk, h.state());
      }
      Sim.assertSeqsContiguous(h.records());
      TaskState end = disk.getStatuses(disk.getStatusesCount() - 1).getState();
      assertTrue(States.isTerminal(end), "not terminal: " + end);
      assertEquals(List.of(), h.platform.aliveProcesses(), "processes outlive the task");
      assertFalse(Files.exists(h.activeSentinel()), "active sentinel left behind");
      assertTrue(Files.exists(h.finishedSentinel()), "no finished sentinel");
      for (Map.Entry<String, ProcessHistory> e : disk.getProcessesMap().entrySet()) {
        for (ProcessStatus r : e.getValue().getRunsList()) {
          assertTrue(States.isTerminal(r.getState()), "run left " + r.getState() + ": " + r);
        }
      }
    }

    /**
     * The end the rules give: the first kill or lose that arrived while ACTIVE decides it;
     * otherwise (difference 10) the regular plan's verdict when CLEANING began.
     */
    private void checkOutcome(TaskState end) throws IOException {
      if (outcomeUnknown || outcomeAmbiguous) {
        stats.count(outcomeUnknown ? "outcome-unknown" : "outcome-ambiguous");
        return;
      }
      if (forcedExpected != null) {
        assertEquals(forcedExpected, end, "the first kill/lose while ACTIVE decides the end");
        return;
      }
      Plans plans = new Plans(task, h.clock, runLimit);
      replay(h.records(), plans);
      assertEquals(plans.verdictAtCleaning(), end, "a natural end keeps the verdict at CLEANING");
    }

    private TaskState endState() throws IOException {
      RunnerState disk = h.replayed();
      return disk.getStatuses(disk.getStatusesCount() - 1).getState();
    }
  }
}
