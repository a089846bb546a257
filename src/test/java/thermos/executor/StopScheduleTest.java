package thermos.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.proto.TaskState;
import thermos.runner.Termination;

/**
 * Seeded random schedules of everything that can happen around a stop — the runner obeying,
 * ignoring, dying, hanging or being slow; processes ignoring SIGTERM; the task ending on its
 * own; the checkpoint turning corrupt; takeovers that are slow or fail; spurious wake-ups;
 * timeouts that collide with the grace — each checked against the invariant: stop() returns
 * with a terminal checkpoint, or raises with a reason, before its deadline. First on {@link
 * TaskStopper}, then on {@link ThermosTaskRunner#stop} around a start ({@link ExecutorSchedule}).
 */
class StopScheduleTest {
  private static final int SCHEDULES = 20_000;
  private static final int EXECUTOR_SCHEDULES = 1_000;

  enum Outcome { BY_RUNNER, TAKEN_OVER, ERROR }

  @Test
  void everyScheduleKeepsTheInvariant() {
    Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
    int clamped = 0;
    for (long seed = 0; seed < SCHEDULES; seed++) {
      Run run = new Run(seed);
      Outcome o = run.check();
      outcomes.merge(o, 1, Integer::sum);
      clamped += run.clamped ? 1 : 0;
    }
    System.out.println(SCHEDULES + " schedules: " + outcomes + ", " + clamped + " clamped");
    // The schedules must actually exercise every way a stop can end.
    for (Outcome o : Outcome.values()) {
      assertTrue(outcomes.getOrDefault(o, 0) > SCHEDULES / 100, "too few " + o + ": " + outcomes);
    }
    assertTrue(clamped > SCHEDULES / 100, "too few clamped stops: " + clamped);
  }

  @Test
  void everyExecutorScheduleKeepsTheInvariant(@TempDir Path dir) throws Exception {
    Map<ExecutorSchedule.Outcome, Integer> outcomes = new EnumMap<>(ExecutorSchedule.Outcome.class);
    Map<ExecutorSchedule.When, Integer> whens = new EnumMap<>(ExecutorSchedule.When.class);
    int clamped = 0;
    for (long seed = 0; seed < EXECUTOR_SCHEDULES; seed++) {
      ExecutorSchedule run = new ExecutorSchedule(seed, dir);
      outcomes.merge(run.check(), 1, Integer::sum);
      whens.merge(run.when, 1, Integer::sum);
      clamped += run.clamped ? 1 : 0;
    }
    System.out.println(EXECUTOR_SCHEDULES + " executor schedules: " + outcomes + ", " + whens
        + ", " + clamped + " clamped");
    for (ExecutorSchedule.Outcome o : ExecutorSchedule.Outcome.values()) {
      assertTrue(outcomes.getOrDefault(o, 0) > EXECUTOR_SCHEDULES / 100,
          "too few " + o + ": " + outcomes);
    }
    assertTrue(clamped > EXECUTOR_SCHEDULES / 100, "too few clamped stops: " + clamped);
  }

  /** One random schedule. */
  private static final class Run {
    final long seed;
    final SplittableRandom rnd;
    final Scenario sc = new Scenario();
    final SimWorld w = sc.w;
    final StopBudget budget = StopBudget.DEFAULT;
    Duration grace;
    Duration timeout;
    boolean clamped;
    boolean terminalBefore;

    Run(long seed) {
      this.seed = seed;
      this.rnd = new SplittableRandom(seed);
      sc.mode = Scenario.Mode.values()[rnd.nextInt(Scenario.Mode.values().length)];
      sc.react = ms(50);
      sc.ignoreTerm = rnd.nextBoolean();
      sc.termDelay = ms(3000);
      sc.writeDelay = ms(rnd.nextBoolean() ? 20 : 1500);
      sc.exitDelay = ms(2000);
      sc.dieAfter = ms(8000);
      sc.deathBy = switch (rnd.nextInt(3)) {
        case 0 -> Termination.signalled(9);
        case 1 -> Termination.exited(0);
        default -> Termination.exited(101);
      };
      sc.slowExtra = ms(12_000);
      grace = ms(10_000);
      long slack = budget.slack().toMillis();
      timeout = rnd.nextInt(4) == 0
          ? Duration.ofMillis(slack + 1 + rnd.nextLong(grace.toMillis() + 1)) // collides
          : budget.minimumTimeout(grace).plus(ms(10_000));
      clamped = !budget.fits(grace, timeout);
      w.spuriousEvery = new int[] {0, 0, 2, 3, 7}[rnd.nextInt(5)];
      w.takeover.cost = ms(rnd.nextInt(10) == 0 ? 5000 : 300);
      w.takeover.failure = rnd.nextInt(20) == 0 ? "scripted failure " + seed : null;
      w.takeover.processesIgnoreTerm = sc.ignoreTerm;
      int pid = (int) Scenario.RUNNER_PID;
      if (rnd.nextInt(20) == 0) {
        w.write(TaskState.SUCCESS, pid);
        terminalBefore = true;
      }
      if (rnd.nextInt(10) == 0) {
        sc.runner.die(sc.deathBy);
      }
      if (rnd.nextInt(5) == 0) {
        TaskState end = rnd.nextBoolean() ? TaskState.SUCCESS : TaskState.FAILED;
        w.after(ms(15_000), () -> {
          if (sc.runner.isAlive()) {
            w.write(end, pid);
          }
        });
      }
      if (rnd.nextInt(7) == 0) {
        w.after(ms(15_000), () -> sc.runner.die(Termination.signalled(9)));
      }
      if (rnd.nextInt(20) == 0) {
        w.after(ms(15_000), () -> w.corrupt("CRC mismatch (seed " + seed + ")"));
      }
    }

    /** A random duration in [0, max] ms. */
    Duration ms(long max) {
      return Duration.ofMillis(rnd.nextLong(max + 1));
    }

    Outcome check() {
      long start = w.now();
      Outcome outcome;
      try {
        TaskStopper.Result r = sc.stopper(budget).stop(TaskState.KILLED, grace, sc.runner, timeout);
        assertTrue(w.isTerminal(), this + ": returned without a terminal checkpoint");
        assertEquals(w.state, r.state(), this + ": result differs from the checkpoint");
        outcome = r.tookOver() ? Outcome.TAKEN_OVER : Outcome.BY_RUNNER;
      } catch (TaskError e) {
        assertFalse(e.getMessage() == null || e.getMessage().isBlank(), this + ": no reason");
        outcome = Outcome.ERROR;
      } catch (Exception e) {
        throw new AssertionError(this + ": unexpected " + e, e);
      }
      long elapsed = w.now() - start;
      if (elapsed > timeout.toNanos()) {
        fail(this + ": took " + elapsed / 1e6 + " ms, past its " + timeout.toMillis() + " ms deadline");
      }
      for (SimWorld.Request q : w.requests) {
        assertTrue(q.grace().plus(budget.slack()).compareTo(timeout) < 0,
            this + ": grace " + q.grace() + " + slack does not fit " + timeout);
      }
      if (terminalBefore) {
        assertEquals(0, w.requests.size(), this + ": killed a task that was over");
        assertEquals(0, w.takeover.calls, this + ": took over a task that was over");
      }
      assertTrue(sc.runner.wakes <= 1, this + ": woke the runner " + sc.runner.wakes + " times");
      return outcome;
    }

    @Override
    public String toString() {
      return "seed " + seed + " (" + sc.mode + ", grace " + grace.toMillis() + " ms, timeout "
          + timeout.toMillis() + " ms)";
    }
  }
}
