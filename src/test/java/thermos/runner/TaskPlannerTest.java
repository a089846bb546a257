package thermos.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import thermos.common.FakeClock;
import thermos.config.Constraint;
import thermos.config.ProcessConfig;

/** Thermos' planner rules (SEMANTICS.md §1b.6), one test per rule, on a fake clock. */
class TaskPlannerTest {
  private final FakeClock clock = new FakeClock();

  /** A process with no min_duration, so only the rule under test gates it. */
  private static ProcessConfig p(String name) {
    return ProcessConfig.of(name, "true").withMinDurationSecs(0);
  }

  private TaskPlanner planner(int runLimit, List<Constraint> constraints, ProcessConfig... ps) {
    return new TaskPlanner(List.of(ps), constraints, clock, runLimit);
  }

  private TaskPlanner planner(ProcessConfig... ps) {
    return planner(TaskPlanner.UNLIMITED_RUNS, List.of(), ps);
  }

  private static Constraint order(String... names) {
    return new Constraint(List.of(names));
  }

  private void advance(long millis) {
    clock.advance(Duration.ofMillis(millis));
  }

  /** Launch {@code name} (WAITING makes it running in the plan) and end it with {@code how}. */
  private static void run(TaskPlanner plan, String name, Runnable how) {
    assertTrue(plan.runnable().contains(name), name + " should be runnable: " + plan.runnable());
    plan.setRunning(name);
    how.run();
  }

  @Test
  void everyProcessWithoutDependenciesIsRunnableInConfigurationOrder() {
    TaskPlanner plan = planner(p("c"), p("a"), p("b"));
    assertEquals(List.of("c", "a", "b"), plan.runnable());
  }

  @Test
  void aRunningProcessIsNotRunnable() {
    TaskPlanner plan = planner(p("a"), p("b"));
    plan.setRunning("a");
    assertEquals(List.of("b"), plan.runnable());
    assertTrue(plan.isRunning("a"));
  }

  @Test
  void aSuccessorWaitsUntilEveryPredecessorHasFinished() {
    TaskPlanner plan = planner(TaskPlanner.UNLIMITED_RUNS,
        List.of(order("a", "c"), order("b", "c")), p("a"), p("b"), p("c"));
    assertEquals(List.of("a", "b"), plan.runnable());
    run(plan, "a", () -> plan.addSuccess("a"));
    assertEquals(List.of("b"), plan.runnable(), "c still waits for b");
    plan.setRunning("b");
    assertEquals(List.of(), plan.runnable(), "a running predecessor does not unblock");
    plan.addSuccess("b");
    assertEquals(List.of("c"), plan.runnable());
  }

  @Test
  void aFailedPredecessorNeverUnblocksItsSuccessor() {
    TaskPlanner plan = planner(TaskPlanner.UNLIMITED_RUNS, List.of(order("a", "b")), p("a"),
        p("b"));
    run(plan, "a", () -> plan.addFailure("a"));
    assertTrue(plan.isFailed("a"));
    advance(3_600_000);
    assertEquals(List.of(), plan.runnable());
    assertFalse(plan.isFinished("b"));
  }

  @Test
  void constraintsNamingProcessesOutsideThePlanAreIgnored() {
    TaskPlanner plan = planner(TaskPlanner.UNLIMITED_RUNS, List.of(order("elsewhere", "a")),
        p("a"));
    assertEquals(List.of("a"), plan.runnable());
  }

  @Test
  void aProcessNotInThePlanIsRejected() {
    TaskPlanner plan = planner(p("a"));
    assertThrows(IllegalArgumentException.class, () -> plan.addSuccess("nope"));
    assertThrows(IllegalArgumentException.class, () -> plan.setRunning("nope"));
  }

  @Test
  void aRegularProcessIsFinished() {
    TaskPlanner plan = planner(p("a"));
    run(plan, "a", () -> plan.addSuccess("a"));
    assertTrue(plan.isFinished("a"));
    assertFalse(plan.isRunning("a"));
    assertEquals(List.of(), plan.runnable());
    assertTrue(plan.isComplete());
  }

  @Test
  void aDaemonIsResetAndRunsAgainAfterMinDuration() {
    TaskPlanner plan = planner(p("d").withDaemon(true).withMinDurationSecs(3));
    run(plan, "d", () -> plan.addSuccess("d"));
    assertFalse(plan.isFinished("d"));
    assertFalse(plan.isComplete());
    assertEquals(List.of(), plan.runnable());
    assertEquals(3.0, plan.minWaitSeconds(), 1e-9);
    advance(3000);
    assertEquals(List.of("d"), plan.runnable());
    run(plan, "d", () -> plan.addSuccess("d"));
    assertFalse(plan.isFinished("d"), "a daemon is never finished by succeeding");
  }

  @Test
  void atTheRunCapEvenASuccessFailsTheProcess() {
    TaskPlanner plan = planner(3, List.of(), p("d").withDaemon(true));
    run(plan, "d", () -> plan.addSuccess("d"));
    run(plan, "d", () -> plan.addSuccess("d"));
    assertFalse(plan.isFailed("d"));
    run(plan, "d", () -> plan.addSuccess("d"));
    assertTrue(plan.isFailed("d"));
    assertFalse(plan.isFinished("d"));
    assertEquals(Set.of("d"), plan.failedProcesses());
  }

  @Test
  void atTheRunCapARegularProcessSucceedingIsFailedToo() {
    TaskPlanner plan = planner(2, List.of(), p("a").withMaxFailures(0));
    run(plan, "a", () -> plan.addFailure("a"));
    run(plan, "a", () -> plan.addSuccess("a"));
    assertTrue(plan.isFailed("a"), "2 runs = the cap, even though the last one succeeded");
  }

  @Test
  void aFailureIsRetriedWhileFailuresRemainThenFails() {
    TaskPlanner plan = planner(p("a").withMaxFailures(3));
    run(plan, "a", () -> plan.addFailure("a"));
    run(plan, "a", () -> plan.addFailure("a"));
    assertEquals(2, plan.failureCount("a"));
    assertFalse(plan.isFailed("a"));
    run(plan, "a", () -> plan.addFailure("a"));
    assertEquals(3, plan.failureCount("a"));
    assertTrue(plan.isFailed("a"));
    assertEquals(List.of(), plan.runnable());
  }

  @Test
  void theDefaultMaxFailuresOfOneFailsAtTheFirstFailure() {
    TaskPlanner plan = planner(ProcessConfig.of("a", "false"));
    run(plan, "a", () -> plan.addFailure("a"));
    assertTrue(plan.isFailed("a"));
  }

  @Test
  void maxFailuresZeroRetriesForever() {
    TaskPlanner plan = planner(p("a").withMaxFailures(0));
    for (int i = 0; i < 1000; i++) {
      run(plan, "a", () -> plan.addFailure("a"));
    }
    assertEquals(1000, plan.failureCount("a"));
    assertFalse(plan.isFailed("a"));
    assertEquals(List.of("a"), plan.runnable());
  }

  @Test
  void anEphemeralProcessOutOfFailuresIsFinishedNotFailed() {
    TaskPlanner plan = planner(p("e").withEphemeral(true).withMaxFailures(2));
    run(plan, "e", () -> plan.addFailure("e"));
    assertFalse(plan.isFinished("e"));
    run(plan, "e", () -> plan.addFailure("e"));
    assertTrue(plan.isFinished("e"));
    assertFalse(plan.isFailed("e"));
    assertEquals(Set.of(), plan.failedProcesses());
  }

  @Test
  void atTheRunCapAFailureFailsEvenWithFailuresLeft() {
    TaskPlanner plan = planner(2, List.of(), p("a").withMaxFailures(0));
    run(plan, "a", () -> plan.addFailure("a"));
    assertFalse(plan.isFailed("a"));
    run(plan, "a", () -> plan.addFailure("a"));
    assertTrue(plan.isFailed("a"));
  }

  @Test
  void atTheRunCapAnEphemeralIsFailedNotFinished() {
    TaskPlanner plan = planner(1, List.of(), p("e").withEphemeral(true).withMaxFailures(5));
    run(plan, "e", () -> plan.addFailure("e"));
    assertTrue(plan.isFailed("e"));
    assertFalse(plan.isFinished("e"));
  }

  @Test
  void aLossIsRestartedWithoutCountingAFailure() {
    TaskPlanner plan = planner(p("a"));
    run(plan, "a", () -> plan.lost("a"));
    assertEquals(0, plan.failureCount("a"));
    assertFalse(plan.isFailed("a"));
    assertFalse(plan.isRunning("a"));
    assertEquals(List.of("a"), plan.runnable(), "max_failures 1, yet still runnable");
  }

  @Test
  void minDurationAppliesAfterALoss() {
    TaskPlanner plan = planner(p("a").withMinDurationSecs(5));
    run(plan, "a", () -> plan.lost("a"));
    assertEquals(List.of(), plan.runnable());
    assertEquals(5.0, plan.waitSeconds("a"), 1e-9);
    advance(5000);
    assertEquals(List.of("a"), plan.runnable());
  }

  @Test
  void aLossCountsTowardTheRunCap() {
    TaskPlanner plan = planner(3, List.of(), p("a"));
    run(plan, "a", () -> plan.lost("a"));
    run(plan, "a", () -> plan.lost("a"));
    assertFalse(plan.isFailed("a"));
    run(plan, "a", () -> plan.lost("a"));
    assertTrue(plan.isFailed("a"));
    assertEquals(0, plan.failureCount("a"));
  }

  @Test
  void lossesSuccessesAndFailuresShareTheRunCap() {
    TaskPlanner plan = planner(3, List.of(), p("d").withDaemon(true).withMaxFailures(0));
    run(plan, "d", () -> plan.addSuccess("d"));
    run(plan, "d", () -> plan.addFailure("d"));
    assertFalse(plan.isFailed("d"));
    run(plan, "d", () -> plan.lost("d"));
    assertTrue(plan.isFailed("d"));
  }

  @Test
  void theFirstRunDoesNotWait() {
    TaskPlanner plan = planner(p("a").withMinDurationSecs(60));
    assertEquals(0.0, plan.waitSeconds("a"));
    assertEquals(List.of("a"), plan.runnable());
    assertEquals(0.0, plan.minWaitSeconds());
  }

  @Test
  void theGateOpensExactlyAtMinDurationAfterTheTerminalUpdate() {
    TaskPlanner plan = planner(p("a").withMinDurationSecs(5).withMaxFailures(0));
    run(plan, "a", () -> plan.addFailure("a"));
    clock.advance(Duration.ofSeconds(5).minusNanos(1));
    assertEquals(List.of(), plan.runnable());
    assertTrue(plan.waitSeconds("a") > 0);
    clock.advance(Duration.ofNanos(1));
    assertEquals(0.0, plan.waitSeconds("a"), 1e-12);
    assertEquals(List.of("a"), plan.runnable());
  }

  @Test
  void theWaitCountsFromWhenTheRunnerProcessedTheEndNotFromTheStart() {
    TaskPlanner plan = planner(p("a").withMinDurationSecs(5).withMaxFailures(0));
    plan.setRunning("a");
    advance(60_000); // a long run does not pre-pay the gate
    plan.addFailure("a");
    assertEquals(5.0, plan.waitSeconds("a"), 1e-9);
    advance(2000);
    assertEquals(3.0, plan.waitSeconds("a"), 1e-9);
  }

  @Test
  void minDurationZeroRestartsAtOnce() {
    TaskPlanner plan = planner(p("a").withMaxFailures(0));
    run(plan, "a", () -> plan.addFailure("a"));
    assertEquals(List.of("a"), plan.runnable());
  }

  @Test
  void zeroWhenSomethingIsRunnableNow() {
    TaskPlanner plan = planner(p("a").withMinDurationSecs(9).withMaxFailures(0), p("b"));
    run(plan, "a", () -> plan.addFailure("a"));
    assertEquals(0.0, plan.minWaitSeconds());
  }

  @Test
  void theSmallestPendingWaitOtherwise() {
    TaskPlanner plan = planner(p("a").withMinDurationSecs(9).withMaxFailures(0),
        p("b").withMinDurationSecs(4).withMaxFailures(0), p("c"));
    run(plan, "a", () -> plan.addFailure("a"));
    advance(1000);
    run(plan, "b", () -> plan.addFailure("b"));
    plan.setRunning("c");
    assertEquals(4.0, plan.minWaitSeconds(), 1e-9);
    advance(4000);
    assertEquals(0.0, plan.minWaitSeconds());
    assertEquals(List.of("b"), plan.runnable());
    advance(4000);
    assertEquals(List.of("a", "b"), plan.runnable());
  }

  @Test
  void maxValueWhenNothingIsWaiting() {
    TaskPlanner plan = planner(TaskPlanner.UNLIMITED_RUNS, List.of(order("a", "b")), p("a"),
        p("b"));
    plan.setRunning("a");
    assertEquals(Double.MAX_VALUE, plan.minWaitSeconds(),
        "b waits for a predecessor, not for time");
    plan.addSuccess("a");
    plan.setRunning("b");
    plan.addSuccess("b");
    assertEquals(Double.MAX_VALUE, plan.minWaitSeconds());
  }

  @Test
  void nextGateIgnoresOpenGatesThatOnlyWaitForRoom() {
    TaskPlanner plan = planner(p("a"), p("b").withMinDurationSecs(4).withMaxFailures(0),
        p("c"));
    plan.setRunning("a");
    run(plan, "b", () -> plan.addFailure("b"));
    // c is runnable now but, under max_concurrency 1, has no room: only a's exit can help.
    assertEquals(List.of(), plan.toLaunch(1));
    assertEquals(0.0, plan.minWaitSeconds());
    assertEquals(4.0, plan.nextGateSeconds(), 1e-9);
    advance(4000);
    assertEquals(Double.MAX_VALUE, plan.nextGateSeconds());
  }

  @Test
  void zeroMeansUnlimited() {
    TaskPlanner plan = planner(p("a"), p("b"), p("c"));
    assertEquals(List.of("a", "b", "c"), plan.toLaunch(0));
  }

  @Test
  void onlyTheRoomLeftAtTheStartOfThePassIsTaken() {
    TaskPlanner plan = planner(p("a"), p("b"), p("c"), p("d"));
    List<String> pass = plan.toLaunch(2);
    assertEquals(List.of("a", "b"), pass);
    // The pass launches what it took (WAITING puts each in the running set).
    pass.forEach(plan::setRunning);
    assertEquals(List.of(), plan.toLaunch(2), "full");
    plan.addSuccess("a");
    assertEquals(List.of("c"), plan.toLaunch(2));
  }

  @Test
  void overfullAfterALowerLimitLaunchesNothing() {
    TaskPlanner plan = planner(p("a"), p("b"), p("c"));
    plan.toLaunch(0).forEach(plan::setRunning);
    plan.addSuccess("c");
    assertEquals(List.of(), plan.toLaunch(1));
  }

  @Test
  void processesWaitingForMinDurationDoNotUseRoom() {
    TaskPlanner plan = planner(p("a").withMinDurationSecs(5).withMaxFailures(0), p("b"));
    run(plan, "a", () -> plan.addFailure("a"));
    assertEquals(List.of("b"), plan.toLaunch(1));
  }

  @Test
  void completeWhenEveryProcessIsFinishedOrFailed() {
    TaskPlanner plan = planner(p("a"), p("b"));
    run(plan, "a", () -> plan.addSuccess("a"));
    assertFalse(plan.isComplete());
    run(plan, "b", () -> plan.addFailure("b"));
    assertTrue(plan.isComplete());
  }

  @Test
  void ephemeralProcessesMayStillBeRunning() {
    TaskPlanner plan = planner(p("main"), p("sidecar").withEphemeral(true));
    plan.setRunning("sidecar");
    assertFalse(plan.isComplete());
    run(plan, "main", () -> plan.addSuccess("main"));
    assertTrue(plan.isComplete());
    assertTrue(plan.isRunning("sidecar"));
  }

  @Test
  void anEmptyPlanIsComplete() {
    TaskPlanner plan = planner();
    assertTrue(plan.isComplete());
    assertFalse(plan.isDeadlocked());
  }

  @Test
  void aSuccessorOfAPermanentlyFailedProcessDeadlocksThePlan() {
    TaskPlanner plan = planner(TaskPlanner.UNLIMITED_RUNS, List.of(order("a", "b")), p("a"),
        p("b"));
    assertFalse(plan.isDeadlocked());
    run(plan, "a", () -> plan.addFailure("a"));
    assertTrue(plan.isDeadlocked());
    assertFalse(plan.isComplete());
  }

  @Test
  void notDeadlockedWhileSomethingRunsOrWaitsForMinDuration() {
    TaskPlanner plan = planner(TaskPlanner.UNLIMITED_RUNS, List.of(order("a", "b")),
        p("a").withMaxFailures(2).withMinDurationSecs(5), p("b"));
    plan.setRunning("a");
    assertFalse(plan.isDeadlocked(), "running");
    plan.addFailure("a");
    assertFalse(plan.isDeadlocked(), "a waits for its min_duration gate");
    advance(5000);
    run(plan, "a", () -> plan.addFailure("a"));
    assertTrue(plan.isDeadlocked());
  }

  @Test
  void aCompletePlanIsNotDeadlocked() {
    TaskPlanner plan = planner(p("a"));
    run(plan, "a", () -> plan.addFailure("a"));
    assertTrue(plan.isComplete());
    assertFalse(plan.isDeadlocked());
  }

  @Test
  void defaultTaskMaxFailuresOfOneIsUnhealthyAtTheFirstFailedProcess() {
    TaskPlanner plan = planner(p("a"), p("b"));
    assertTrue(plan.isHealthy(1));
    run(plan, "a", () -> plan.addFailure("a"));
    assertFalse(plan.isHealthy(1));
  }

  @Test
  void healthyWhileFewerProcessesFailedThanTaskMaxFailures() {
    TaskPlanner plan = planner(p("a"), p("b"), p("c"));
    run(plan, "a", () -> plan.addFailure("a"));
    assertTrue(plan.isHealthy(2));
    run(plan, "b", () -> plan.addFailure("b"));
    assertFalse(plan.isHealthy(2));
  }

  @Test
  void taskMaxFailuresZeroIsUnlimited() {
    TaskPlanner plan = planner(p("a"), p("b"));
    run(plan, "a", () -> plan.addFailure("a"));
    run(plan, "b", () -> plan.addFailure("b"));
    assertTrue(plan.isComplete());
    assertTrue(plan.isHealthy(0));
  }

  @Test
  void aDeadlockedPlanIsUnhealthyEvenWithUnlimitedFailures() {
    TaskPlanner plan = planner(TaskPlanner.UNLIMITED_RUNS, List.of(order("a", "b")), p("a"),
        p("b"));
    run(plan, "a", () -> plan.addFailure("a"));
    assertTrue(plan.isDeadlocked());
    assertFalse(plan.isHealthy(0));
  }

  @Test
  void anEphemeralThatRanOutOfFailuresDoesNotHurtHealth() {
    TaskPlanner plan = planner(p("e").withEphemeral(true));
    run(plan, "e", () -> plan.addFailure("e"));
    assertTrue(plan.isHealthy(1));
  }

  @Test
  void retriesAndLossesDoNotHurtHealth() {
    TaskPlanner plan = planner(p("a").withMaxFailures(2));
    run(plan, "a", () -> plan.addFailure("a"));
    run(plan, "a", () -> plan.lost("a"));
    assertTrue(plan.isHealthy(1));
  }
}
