package thermos.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import thermos.config.ProcessConfig;
import thermos.config.TaskConfig;
import thermos.proto.TaskState;
import thermos.runner.Termination;

/**
 * One seeded random schedule around {@link ThermosTaskRunner#stop}: how the runner boots (late,
 * never, dying or hanging before its header, as the fork returns), when the stop comes (after
 * the start, after a start that timed out and lost the task, while start() prepares, during the
 * fork, while start() waits for the runner), a kill or lose before it, and what the runner and
 * the task do meanwhile. Checked against: stop() returns with a terminal checkpoint — or, if
 * nothing was launched, with nothing left behind — or raises with a reason, before its deadline.
 */
final class ExecutorSchedule {
  private static final TaskConfig SLEEP =
      TaskConfig.of("sleepy", List.of(ProcessConfig.of("sleep", "sleep 1000")), List.of());
  private static final Duration GRACE = Duration.ofSeconds(10);
  private static final Duration START_TIMEOUT_WHEN_RACED = Duration.ofSeconds(600);

  enum Outcome { BY_RUNNER, TAKEN_OVER, DISCARDED, ERROR }

  /** When the stop comes. */
  enum When { AFTER_START, AFTER_START_TIMED_OUT, WHILE_PREPARING, DURING_FORK, WHILE_AWAITING }

  final long seed;
  private final SplittableRandom rnd;
  private final Scenario sc = new Scenario(false);
  private final SimWorld w = sc.w;
  private final FakeExecutorPlatform platform = new FakeExecutorPlatform(sc);
  private final StopBudget budget = StopBudget.DEFAULT;
  private final Path dir;
  final When when;
  private final String boot;
  private final String before;
  private final Duration timeout;
  final boolean clamped;

  ExecutorSchedule(long seed, Path dir) {
    this.seed = seed;
    this.dir = dir;
    this.rnd = new SplittableRandom(seed);
    sc.mode = Scenario.Mode.values()[rnd.nextInt(Scenario.Mode.values().length)];
    sc.react = ms(50);
    sc.ignoreTerm = rnd.nextBoolean();
    sc.termDelay = ms(3000);
    sc.writeDelay = ms(rnd.nextBoolean() ? 20 : 1500);
    sc.exitDelay = ms(2000);
    sc.dieAfter = ms(8000);
    sc.slowExtra = ms(12_000);
    w.spuriousEvery = new int[] {0, 0, 2, 3}[rnd.nextInt(4)];
    w.takeover.cost = ms(rnd.nextInt(10) == 0 ? 5000 : 300);
    w.takeover.failure = rnd.nextInt(20) == 0 ? "scripted failure " + seed : null;
    w.takeover.processesIgnoreTerm = sc.ignoreTerm;
    when = When.values()[rnd.nextInt(When.values().length)];
    boot = new String[] {"late", "late", "never", "headerless-hang", "headerless-dies",
        "dies", "at-fork"}[rnd.nextInt(7)];
    platform.boot = bootBehaviour(boot, ms(2000));
    before = new String[] {"", "", "kill", "lose"}[rnd.nextInt(4)];
    long slack = budget.slack().toMillis();
    timeout = rnd.nextInt(4) == 0
        ? Duration.ofMillis(slack + 1 + rnd.nextLong(GRACE.toMillis() + 1)) // collides
        : budget.minimumTimeout(GRACE).plus(ms(10_000));
    clamped = !budget.fits(GRACE, timeout);
  }

  private Duration ms(long max) {
    return Duration.ofMillis(rnd.nextLong(max + 1));
  }

  private Consumer<FakeRunner> bootBehaviour(String how, Duration after) {
    return switch (how) {
      case "late" -> r -> w.after(after, r::announce);
      case "never" -> r -> {};
      case "headerless-hang" -> r -> w.after(after, r::announceWithoutHeader);
      case "headerless-dies" -> r -> w.after(after, () -> {
        r.announceWithoutHeader();
        r.die(Termination.exited(101));
      });
      case "dies" -> r -> w.after(after, () -> r.die(Termination.exited(102)));
      case "at-fork" -> FakeRunner::announce;
      default -> throw new IllegalArgumentException(how);
    };
  }

  /** What the task and the runner do on their own while the stop runs. */
  private void background() {
    int pid = (int) Scenario.RUNNER_PID;
    if (rnd.nextInt(5) == 0) {
      TaskState end = rnd.nextBoolean() ? TaskState.SUCCESS : TaskState.FAILED;
      w.after(ms(15_000), () -> {
        if (sc.runner.isAlive() && sc.runner.booted()) {
          w.write(end, pid);
        }
      });
    }
    if (rnd.nextInt(7) == 0) {
      w.after(ms(15_000), () -> sc.runner.die(Termination.signalled(9)));
    }
    if (rnd.nextInt(20) == 0) {
      w.after(ms(15_000), () -> {
        if (sc.runner.booted()) {
          w.corrupt("CRC mismatch (seed " + seed + ")");
        }
      });
    }
  }

  private ThermosTaskRunner runner() {
    return ThermosTaskRunner.builder(SLEEP, "t-" + seed, dir.resolve("sb-" + seed),
            dir.resolve("root")).preemptionWait(GRACE)
        .stopTimeout(budget.minimumTimeout(GRACE).plus(Duration.ofSeconds(1)))
        .platform(platform).clock(w.clock)
        .launcher(RunnerLauncher.ofCommand(List.of("fake-runner"))).build();
  }

  Outcome check() throws Exception {
    ThermosTaskRunner r = runner();
    if (before.equals("kill")) {
      r.kill();
    } else if (before.equals("lose") && when.ordinal() > When.AFTER_START_TIMED_OUT.ordinal()) {
      r.lose();
    }
    CompletableFuture<Void> start = null;
    switch (when) {
      case AFTER_START, AFTER_START_TIMED_OUT -> {
        Duration t = when == When.AFTER_START ? Duration.ofSeconds(60) : ms(3000);
        try {
          r.start(t);
        } catch (TaskError e) {
          assertFalse(e.getMessage().isBlank(), this + ": start raised without a reason");
        }
        if (before.equals("lose")) {
          r.lose(); // lose, then stop
        }
      }
      default -> start = raceTheStart(r);
    }
    background();
    long t0 = w.now();
    int requestsBefore = w.requests.size();
    Optional<TaskState> result = null;
    Outcome outcome;
    try {
      result = r.stop(timeout);
      if (result.isPresent()) {
        assertTrue(w.isTerminal(), this + ": returned without a terminal checkpoint");
        assertEquals(w.state, result.get(), this + ": result differs from the checkpoint");
        // The scripted takeover records the terminal status as pid 1.
        outcome = Integer.valueOf(1).equals(w.runnerPid) ? Outcome.TAKEN_OVER : Outcome.BY_RUNNER;
      } else {
        assertTrue(w.isEmpty(), this + ": nothing launched, but something is left: "
            + w.snapshot());
        assertFalse(sc.runner.isAlive(), this + ": nothing launched, but the runner lives");
        outcome = Outcome.DISCARDED;
      }
      assertTrue(r.status().isPresent(), this + ": stopped, but no status");
    } catch (TaskError e) {
      assertFalse(e.getMessage() == null || e.getMessage().isBlank(), this + ": no reason");
      outcome = Outcome.ERROR;
    }
    long elapsed = w.now() - t0;
    if (elapsed > timeout.toNanos()) {
      fail(this + ": took " + elapsed / 1e6 + " ms, past its " + timeout.toMillis()
          + " ms deadline (" + result + ")");
    }
    // What the stop asks for fits its deadline (a kill asked for before may not: the runner
    // keeps the earlier deadline of the two).
    for (SimWorld.Request q : w.requests.subList(requestsBefore, w.requests.size())) {
      assertTrue(q.grace().plus(budget.slack()).compareTo(timeout) < 0,
          this + ": grace " + q.grace() + " + slack does not fit " + timeout);
    }
    if (start != null) {
      finish(start);
    }
    return outcome;
  }

  /**
   * Starts {@code r} on its own thread and returns once it is where {@link #when} says the stop
   * comes; the stop (this thread) then drives the world.
   */
  private CompletableFuture<Void> raceTheStart(ThermosTaskRunner r) throws Exception {
    Thread stopper = Thread.currentThread();
    w.driver = stopper;
    CountDownLatch there = new CountDownLatch(1);
    Runnable hold = () -> {
      there.countDown();
      SimWorld.awaitParked(stopper, false, "awaitFork"); // go on only once the stop waits for the fork
    };
    if (when == When.WHILE_PREPARING) {
      platform.whilePreparing = hold;
    } else if (when == When.DURING_FORK) {
      platform.duringFork = hold;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        r.start(START_TIMEOUT_WHEN_RACED);
        done.complete(null);
      } catch (Throwable e) {
        done.completeExceptionally(e);
      }
    }, "start-" + seed);
    t.setDaemon(true);
    t.start();
    if (when == When.WHILE_AWAITING) {
      SimWorld.awaitParked(t, true, "awaitDriver"); // forked, and waiting for the runner to start the task
    } else {
      assertTrue(there.await(10, TimeUnit.SECONDS), this + ": start() never got there");
    }
    return done;
  }

  /** Drives the world until the raced start() has returned or raised. */
  private void finish(CompletableFuture<Void> start) throws Exception {
    long realDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!start.isDone()) {
      if (System.nanoTime() > realDeadline) {
        fail(this + ": start() did not end after the stop");
      }
      w.runUntil(w.now() + Duration.ofSeconds(10).toNanos());
      try {
        start.get(1, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        // raised (a reason was checked by the stop's outcome) or still going
      }
    }
  }

  @Override
  public String toString() {
    return "seed " + seed + " (stop " + when + ", boot " + boot + ", before '" + before + "', "
        + sc.mode + ", timeout " + timeout.toMillis() + " ms)";
  }
}
