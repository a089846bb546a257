package thermos.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static thermos.runner.Sim.assertFinished;
import static thermos.runner.Sim.ephemeral;
import static thermos.runner.Sim.fin;
import static thermos.runner.Sim.proc;
import static thermos.runner.Sim.task;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.config.TaskConfig;
import thermos.proto.ProcessState;
import thermos.proto.TaskState;

/**
 * Kill and lose from every stage (SEMANTICS.md §1b.10, differences 9 and 10): a kill in ACTIVE
 * forces KILLED/LOST; in natural CLEANING/FINALIZING it keeps the verdict and only moves the
 * deadline; the preemption deadline replaces finalization_wait; a second request never extends
 * a deadline.
 */
class RunnerKillTest {
  @TempDir Path dir;

  private static final TaskState KILLED = TaskState.KILLED;
  private static final TaskState LOST = TaskState.LOST;

  private static long secondsNs(double s) {
    return Math.round(s * 1e9);
  }

  // ---- from ACTIVE ----

  @Test
  void killInActiveTermsRunsFinalizesAndEndsKilled() throws Exception {
    TaskConfig t = task(proc("a"), proc("b"), fin("f"));
    try (RunnerHarness h = new RunnerHarness(dir, t)) {
      h.step();
      h.platform.start("a");
      h.platform.start("b");
      h.platform.exit("b", 0);
      h.step();
      h.requestKill(KILLED, 10_000);
      long wake = h.step();
      assertEquals(h.clock.nanoTime() + secondsNs(10), wake, "the kill's deadline");
      assertEquals(Signal.TERM, h.platform.latest("a").signals().get(0));
      assertEquals(ProcessState.KILLED, h.lastRun("a").getState());
      assertEquals(-15, h.lastRun("a").getReturnCode());
      assertEquals(TaskState.FINALIZING, h.taskState());
      h.platform.start("f");
      h.platform.exit("f", 0);
      h.step();
      assertEquals(List.of(TaskState.ACTIVE, TaskState.CLEANING, TaskState.FINALIZING, KILLED),
          h.statuses());
      assertEquals(ProcessState.SUCCESS, h.lastRun("f").getState());
      assertFinished(h, KILLED);
    }
  }

  @Test
  void killInActiveOfATaskThatWouldSucceedStillEndsKilled() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a")))) {
      h.step();
      h.platform.start("a");
      h.platform.exit("a", 0);
      h.requestKill(KILLED, 10_000);
      // The exit and the kill are applied in the order they arrived: a is SUCCESS, yet the
      // kill, applied while ACTIVE, decides the outcome.
      h.step();
      assertEquals(ProcessState.SUCCESS, h.lastRun("a").getState());
      assertFinished(h, KILLED);
    }
  }

  @Test
  void loseInActiveSkipsFinalizersAndEndsLostAtOnce() throws Exception {
    TaskConfig t = task(proc("a"), fin("f"));
    try (RunnerHarness h = new RunnerHarness(dir, t)) {
      h.step();
      h.platform.start("a");
      h.step();
      h.requestKill(LOST, 0);
      h.step();
      assertEquals(List.of(TaskState.ACTIVE, TaskState.CLEANING, LOST), h.statuses());
      assertFalse(h.platform.launched("f"), "finalizers do not run on lose");
      assertTrue(Set.of(ProcessState.LOST, ProcessState.KILLED)
          .contains(h.lastRun("a").getState()), h.runStates("a").toString());
      assertEquals(Signal.TERM, h.platform.latest("a").signals().get(0));
      assertFinished(h, LOST);
    }
  }

  @Test
  void loseKillsATermIgnoringProcessWithoutWaiting() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a")))) {
      h.platform.ignoreTermIn("a");
      h.step();
      h.platform.start("a");
      h.step();
      h.requestKill(LOST, 0);
      h.step();
      assertEquals(List.of(Signal.TERM, Signal.KILL), h.platform.latest("a").signals());
      assertEquals(ProcessState.KILLED, h.lastRun("a").getState());
      assertEquals(-1, h.lastRun("a").getReturnCode());
      assertFinished(h, LOST);
    }
  }

  @Test
  void theDefaultKillWaitsTheRunnersPreemptionWait() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a")))) {
      h.platform.ignoreTermIn("a");
      h.step();
      h.platform.start("a");
      h.runner.requestKill(KILLED);
      long wake = h.step();
      assertEquals(h.clock.nanoTime() + secondsNs(60), wake);
      h.advance(Duration.ofSeconds(60).minusNanos(1));
      assertEquals(TaskState.CLEANING, h.taskState());
      h.advance(Duration.ofNanos(1));
      assertFinished(h, KILLED);
    }
  }

  @Test
  void theDurableKillRequestCarriesItsGracePeriod() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a")))) {
      h.platform.ignoreTermIn("a");
      h.step();
      h.platform.start("a");
      h.requestDurableKill(KILLED, 2500);
      long wake = h.step();
      assertEquals(h.clock.nanoTime() + secondsNs(2.5), wake);
      h.advance(Duration.ofMillis(2500));
      assertFinished(h, KILLED);
    }
  }

  @Test
  void aKilledProcessWaitingForMinDurationIsNotRestarted() throws Exception {
    TaskConfig t = task(proc("a").withMaxFailures(3), fin("f"));
    try (RunnerHarness h = new RunnerHarness(dir, t)) {
      h.step();
      h.platform.start("a");
      h.platform.exit("a", 1);
      h.step();
      h.requestKill(KILLED, 30_000);
      h.step();
      assertEquals(TaskState.FINALIZING, h.taskState(), "nothing live to wait for");
      h.advance(Duration.ofSeconds(10));
      assertEquals(1, h.platform.launchCount("a"));
      h.platform.start("f");
      h.platform.exit("f", 0);
      h.step();
      assertFinished(h, KILLED);
    }
  }

  @Test
  void aRunThatComesUpDuringCleaningIsTermedToo() throws Exception {
    TaskConfig t = task(proc("a"), fin("f"));
    try (RunnerHarness h = new RunnerHarness(dir, t)) {
      h.step();
      h.requestKill(KILLED, 30_000);
      h.step();
      assertEquals(TaskState.CLEANING, h.taskState());
      assertEquals(ProcessState.FORKED, h.lastRun("a").getState());
      h.advance(Duration.ofSeconds(1));
      h.platform.start("a");
      h.step();
      // A run that was not up yet at CLEANING gets its SIGTERM when it comes up.
      assertEquals(ProcessState.KILLED, h.lastRun("a").getState());
      assertEquals(-15, h.lastRun("a").getReturnCode());
      assertEquals(TaskState.FINALIZING, h.taskState());
      h.platform.start("f");
      h.platform.exit("f", 0);
      h.step();
      assertFinished(h, KILLED);
    }
  }

  @Test
  void aRunThatNeverComesUpIsKilledAtTheDeadline() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a")))) {
      h.step();
      h.requestKill(KILLED, 5_000);
      h.step();
      h.advance(Duration.ofSeconds(5));
      assertEquals(ProcessState.KILLED, h.lastRun("a").getState(), "its coordinator was alive");
      assertEquals(-1, h.lastRun("a").getReturnCode());
      assertFinished(h, KILLED);
    }
  }

  // ---- the preemption deadline replaces finalization_wait ----

  @Test
  void aShorterPreemptionDeadlineCutsTheFinalizers() throws Exception {
    TaskConfig t = task(proc("a"), fin("f")).withFinalizationWaitSecs(30);
    try (RunnerHarness h = new RunnerHarness(dir, t)) {
      h.step();
      h.platform.start("a");
      h.requestKill(KILLED, 5_000);
      h.step();
      h.platform.start("f");
      h.advance(Duration.ofSeconds(5).minusNanos(1));
      assertEquals(TaskState.FINALIZING, h.taskState());
      h.advance(Duration.ofNanos(1));
      assertEquals(ProcessState.KILLED, h.lastRun("f").getState());
      assertEquals(-1, h.lastRun("f").getReturnCode());
      assertFinished(h, KILLED);
    }
  }

  @Test
  void aLongerPreemptionDeadlineGivesFinalizersMoreThanFinalizationWait() throws Exception {
    TaskConfig t = task(proc("a"), fin("f")).withFinalizationWaitSecs(5);
    try (RunnerHarness h = new RunnerHarness(dir, t)) {
      h.step();
      h.platform.start("a");
      h.requestKill(KILLED, 50_000);
      h.step();
      h.platform.start("f");
      h.advance(Duration.ofSeconds(20));
      assertEquals(TaskState.FINALIZING, h.taskState(), "finalization_wait (5 s) does not apply");
      h.platform.exit("f", 0);
      h.step();
      assertEquals(ProcessState.SUCCESS, h.lastRun("f").getState());
      assertFinished(h, KILLED);
    }
  }

  // ---- from natural CLEANING (difference 10: the verdict stays) ----

  /** A harness whose task finished on its own and waits in CLEANING for a stubborn ephemeral. */
  private RunnerHarness inNaturalCleaning(int mainExit) throws Exception {
    TaskConfig t = task(proc("main"), ephemeral("side"), fin("f")).withFinalizationWaitSecs(30);
    RunnerHarness h = new RunnerHarness(dir, t);
    h.platform.ignoreTermIn("side");
    h.step();
    h.platform.start("main");
    h.platform.start("side");
    h.platform.exit("main", mainExit);
    h.step();
    assertEquals(TaskState.CLEANING, h.taskState());
    h.advance(Duration.ofSeconds(2));
    return h;
  }

  @Test
  void killInNaturalCleaningShortensTheBudgetAndKeepsSuccess() throws Exception {
    try (RunnerHarness h = inNaturalCleaning(0)) {
      h.requestKill(KILLED, 5_000);
      long wake = h.step();
      assertEquals(h.clock.nanoTime() + secondsNs(5), wake);
      h.advance(Duration.ofSeconds(5).minusNanos(1));
      assertEquals(TaskState.CLEANING, h.taskState());
      h.advance(Duration.ofNanos(1));
      assertEquals(List.of(TaskState.ACTIVE, TaskState.CLEANING, TaskState.SUCCESS),
          h.statuses());
      assertEquals(-1, h.lastRun("side").getReturnCode());
      assertFalse(h.platform.launched("f"));
      assertFinished(h, TaskState.SUCCESS);
    }
  }

  @Test
  void killInNaturalCleaningKeepsFailed() throws Exception {
    try (RunnerHarness h = inNaturalCleaning(3)) {
      h.requestKill(KILLED, 1_000);
      h.advance(Duration.ofSeconds(1));
      assertFinished(h, TaskState.FAILED);
    }
  }

  @Test
  void aLongerKillGraceInNaturalCleaningReplacesFinalizationWait() throws Exception {
    try (RunnerHarness h = inNaturalCleaning(0)) {
      h.requestKill(KILLED, 100_000);
      h.step();
      h.advance(Duration.ofSeconds(40));
      assertEquals(TaskState.CLEANING, h.taskState(), "30 s finalization_wait is replaced");
      h.platform.exit("side", 0);
      h.step();
      assertEquals(TaskState.FINALIZING, h.taskState());
      h.platform.start("f");
      h.platform.exit("f", 0);
      h.step();
      assertFinished(h, TaskState.SUCCESS);
    }
  }

  @Test
  void loseInNaturalCleaningEndsAtOnceWithTheVerdict() throws Exception {
    try (RunnerHarness h = inNaturalCleaning(0)) {
      h.requestKill(LOST, 0);
      h.step();
      assertEquals(List.of(TaskState.ACTIVE, TaskState.CLEANING, TaskState.SUCCESS),
          h.statuses());
      assertFinished(h, TaskState.SUCCESS);
    }
  }

  // ---- from natural FINALIZING ----

  private RunnerHarness inNaturalFinalizing(int mainExit, int finalizationWait) throws Exception {
    TaskConfig t = task(proc("main"), fin("f")).withFinalizationWaitSecs(finalizationWait);
    RunnerHarness h = new RunnerHarness(dir, t);
    h.step();
    h.platform.start("main");
    h.platform.exit("main", mainExit);
    h.step();
    assertEquals(TaskState.FINALIZING, h.taskState());
    h.platform.start("f");
    h.step();
    return h;
  }

  @Test
  void killInNaturalFinalizingCutsTheFinalizerAndKeepsTheVerdict() throws Exception {
    try (RunnerHarness h = inNaturalFinalizing(0, 30)) {
      h.advance(Duration.ofSeconds(1));
      h.requestKill(KILLED, 3_000);
      h.step();
      assertEquals(List.of(), h.platform.latest("f").signals(), "finalizers get no SIGTERM");
      h.advance(Duration.ofSeconds(3).minusNanos(1));
      assertEquals(TaskState.FINALIZING, h.taskState());
      h.advance(Duration.ofNanos(1));
      assertEquals(ProcessState.KILLED, h.lastRun("f").getState());
      assertEquals(List.of(TaskState.ACTIVE, TaskState.CLEANING, TaskState.FINALIZING,
          TaskState.SUCCESS), h.statuses());
      assertFinished(h, TaskState.SUCCESS);
    }
  }

  @Test
  void killInNaturalFinalizingKeepsFailedWhenTheFinalizerEndsInTime() throws Exception {
    try (RunnerHarness h = inNaturalFinalizing(1, 30)) {
      h.requestKill(KILLED, 3_000);
      h.step();
      h.advance(Duration.ofSeconds(1));
      h.platform.exit("f", 0);
      h.step();
      assertEquals(ProcessState.SUCCESS, h.lastRun("f").getState());
      assertFinished(h, TaskState.FAILED);
    }
  }

  @Test
  void aLongerKillGraceInNaturalFinalizingReplacesFinalizationWait() throws Exception {
    try (RunnerHarness h = inNaturalFinalizing(0, 10)) {
      h.advance(Duration.ofSeconds(8));
      h.requestKill(KILLED, 20_000);
      h.step();
      h.advance(Duration.ofSeconds(5));
      assertEquals(TaskState.FINALIZING, h.taskState(), "finalization_wait (10 s) is replaced");
      h.advance(Duration.ofSeconds(15).minusNanos(1));
      assertEquals(TaskState.FINALIZING, h.taskState());
      h.advance(Duration.ofNanos(1));
      assertEquals(ProcessState.KILLED, h.lastRun("f").getState());
      assertFinished(h, TaskState.SUCCESS);
    }
  }

  @Test
  void loseInNaturalFinalizingKillsTheFinalizerAtOnce() throws Exception {
    try (RunnerHarness h = inNaturalFinalizing(0, 30)) {
      h.requestKill(LOST, 0);
      h.step();
      assertEquals(ProcessState.KILLED, h.lastRun("f").getState());
      assertEquals(-1, h.lastRun("f").getReturnCode());
      assertFinished(h, TaskState.SUCCESS);
    }
  }

  // ---- a second request ----

  @Test
  void aSecondKillInCleaningNeverExtendsTheDeadline() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a")))) {
      h.platform.ignoreTermIn("a");
      h.step();
      h.platform.start("a");
      h.requestKill(KILLED, 10_000);
      h.step();
      long deadline = h.clock.nanoTime() + secondsNs(10);
      h.advance(Duration.ofSeconds(2));
      h.requestKill(KILLED, 60_000);
      assertEquals(deadline, h.step());
      h.requestKill(KILLED, 60_000);
      assertEquals(deadline, h.step());
      assertEquals(List.of(Signal.TERM), h.platform.latest("a").signals(), "one TERM only");
      h.advance(Duration.ofSeconds(8));
      assertEquals(List.of(TaskState.ACTIVE, TaskState.CLEANING, KILLED), h.statuses());
      assertFinished(h, KILLED);
    }
  }

  @Test
  void aSecondKillWithAShorterGraceMovesTheDeadlineForward() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a")))) {
      h.platform.ignoreTermIn("a");
      h.step();
      h.platform.start("a");
      h.requestKill(KILLED, 10_000);
      h.step();
      h.advance(Duration.ofSeconds(2));
      h.requestKill(KILLED, 3_000);
      assertEquals(h.clock.nanoTime() + secondsNs(3), h.step());
      h.advance(Duration.ofSeconds(3));
      assertFinished(h, KILLED);
    }
  }

  @Test
  void loseAfterKillEndsAtOnceAndTheFirstRequestDecidesTheState() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a"), fin("f")))) {
      h.platform.ignoreTermIn("a");
      h.step();
      h.platform.start("a");
      h.requestKill(KILLED, 10_000);
      h.step();
      h.advance(Duration.ofSeconds(1));
      h.requestKill(LOST, 0);
      h.step();
      assertFinished(h, KILLED);
      assertFalse(h.platform.launched("f"));
    }
  }

  @Test
  void aSecondKillInKillCausedFinalizingNeverExtendsTheDeadline() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a"), fin("f")))) {
      h.step();
      h.platform.start("a");
      h.requestKill(KILLED, 10_000);
      h.step();
      assertEquals(TaskState.FINALIZING, h.taskState());
      h.platform.start("f");
      long deadline = h.clock.nanoTime() + secondsNs(10);
      h.advance(Duration.ofSeconds(4));
      h.requestKill(KILLED, 60_000);
      assertEquals(deadline, h.step());
      h.advance(Duration.ofSeconds(6));
      assertEquals(ProcessState.KILLED, h.lastRun("f").getState());
      assertFinished(h, KILLED);
    }
  }

  @Test
  void loseInKillCausedFinalizingEndsAtOnceKeepingKilled() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a"), fin("f")))) {
      h.step();
      h.platform.start("a");
      h.requestKill(KILLED, 10_000);
      h.step();
      h.platform.start("f");
      h.advance(Duration.ofSeconds(2));
      h.requestKill(LOST, 0);
      h.step();
      assertEquals(ProcessState.KILLED, h.lastRun("f").getState());
      assertEquals(-1, h.lastRun("f").getReturnCode());
      assertEquals(List.of(TaskState.ACTIVE, TaskState.CLEANING, TaskState.FINALIZING, KILLED),
          h.statuses());
      assertFinished(h, KILLED);
    }
  }

  @Test
  void killWithATermIgnoringProcessSpendsTheBudgetInCleaningAndSkipsFinalizers()
      throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a"), proc("b"), fin("f")))) {
      h.platform.ignoreTermIn("a");
      h.step();
      h.platform.start("a");
      h.platform.start("b");
      h.requestKill(KILLED, 4_000);
      h.step();
      assertEquals(ProcessState.KILLED, h.lastRun("b").getState(), "b honoured its TERM");
      assertEquals(ProcessState.RUNNING, h.lastRun("a").getState());
      h.advance(Duration.ofSeconds(4).minusNanos(1));
      assertEquals(TaskState.CLEANING, h.taskState());
      h.advance(Duration.ofNanos(1));
      assertEquals(List.of(Signal.TERM, Signal.KILL), h.platform.latest("a").signals());
      assertFalse(h.platform.launched("f"));
      assertEquals(List.of(TaskState.ACTIVE, TaskState.CLEANING, KILLED), h.statuses());
      assertFinished(h, KILLED);
    }
  }

  @Test
  void aKillAfterTheEndChangesNothing() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a")))) {
      h.step();
      h.platform.start("a");
      h.platform.exit("a", 0);
      h.step();
      int records = h.records().size();
      h.requestKill(KILLED, 0);
      assertEquals(TaskRunner.NONE, h.step());
      h.requestKill(LOST, 0);
      h.step();
      assertEquals(records, h.records().size());
      assertFinished(h, TaskState.SUCCESS);
    }
  }
}
