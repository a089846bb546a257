package thermos.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static thermos.runner.Sim.assertConsistent;
import static thermos.runner.Sim.assertFinished;
import static thermos.runner.Sim.daemon;
import static thermos.runner.Sim.ephemeral;
import static thermos.runner.Sim.fin;
import static thermos.runner.Sim.order;
import static thermos.runner.Sim.proc;
import static thermos.runner.Sim.task;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.config.TaskConfig;
import thermos.proto.ProcessState;
import thermos.proto.TaskState;

/**
 * What happens to runs in the runner: LOST paths (SEMANTICS.md §1b.8), the run cap, launch
 * failures (difference 4), deadlock, task max_failures and max_concurrency.
 */
class RunnerProcessRulesTest {
  @TempDir Path dir;

  private static List<ProcessState> repeat(ProcessState s, int n) {
    return Collections.nCopies(n, s);
  }

  // ---- LOST ----

  @Test
  void aVanishedRunIsLostAndRestartedAfterMinDurationWithoutAFailure() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a")))) {
      h.step();
      h.platform.start("a");
      h.advance(Duration.ofSeconds(30));
      h.platform.vanish("a");
      long wake = h.step();
      assertEquals(List.of(ProcessState.LOST), h.runStates("a"));
      assertTrue(h.lastRun("a").hasStopTime());
      assertEquals(h.clock.nanoTime() + Duration.ofSeconds(5).toNanos(), wake,
          "min_duration (5 s) counts from the loss, however long the run was");
      h.advance(Duration.ofSeconds(5).minusNanos(1));
      assertEquals(1, h.platform.launchCount("a"));
      h.advance(Duration.ofNanos(1));
      assertEquals(2, h.platform.launchCount("a"), "max_failures 1, yet restarted: no failure");
      h.platform.start("a");
      h.platform.exit("a", 0);
      h.step();
      assertEquals(List.of(ProcessState.LOST, ProcessState.SUCCESS), h.runStates("a"));
      assertFinished(h, TaskState.SUCCESS);
    }
  }

  @Test
  void aRunForkedForTheLostTimeoutIsLost() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a")))) {
      long wake = h.step();
      long forked = h.clock.nanoTime();
      assertEquals(forked + Duration.ofSeconds(60).toNanos(), wake);
      h.advance(Duration.ofSeconds(60).minusNanos(1_000_000));
      assertEquals(List.of(ProcessState.FORKED), h.runStates("a"));
      h.advanceToNextTimer(Duration.ofHours(1));
      assertEquals(forked + Duration.ofSeconds(60).toNanos(), h.clock.nanoTime());
      assertEquals(List.of(ProcessState.LOST), h.runStates("a"));
      assertEquals(List.of(Signal.KILL), h.platform.run("a", 0).signals(),
          "its coordinator is killed: it must not come up later");
      assertFalse(h.platform.run("a", 0).alive());
      h.advanceToNextTimer(Duration.ofHours(1));
      assertEquals(2, h.platform.launchCount("a"), "restarted after min_duration");
      assertEquals(forked + Duration.ofSeconds(65).toNanos(), h.clock.nanoTime());
      h.platform.start("a");
      h.platform.exit("a", 0);
      h.step();
      assertFinished(h, TaskState.SUCCESS);
    }
  }

  @Test
  void aProcessKilledBySomeoneElseIsKilledWithMinusTheSignalAndCountsAsALoss() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a").withMinDurationSecs(0)))) {
      h.step();
      h.platform.start("a");
      h.platform.end("a", Termination.signalled(9));
      h.step();
      assertEquals(ProcessState.KILLED, h.runs("a").get(0).getState());
      assertEquals(-9, h.runs("a").get(0).getReturnCode());
      assertEquals(2, h.platform.launchCount("a"), "restarted: a loss, not a failure");
      h.platform.start("a");
      h.platform.exit("a", 0);
      h.step();
      assertEquals(List.of(ProcessState.KILLED, ProcessState.SUCCESS), h.runStates("a"));
      assertFinished(h, TaskState.SUCCESS);
    }
  }

  @Test
  void anOomKillReportedAsShellStatus137IsALossToo() throws Exception {
    assertEquals(Termination.signalled(9), Termination.fromShellStatus(137));
    assertEquals(Termination.exited(128), Termination.fromShellStatus(128));
    assertEquals(Termination.exited(1), Termination.fromShellStatus(1));
    assertEquals(-9, Termination.fromShellStatus(137).returnCode());
  }

  @Test
  void lossesCountTowardTheRunCap() throws Exception {
    TaskConfig t = task(proc("a").withMinDurationSecs(0));
    try (RunnerHarness h = new RunnerHarness(dir, t, 3)) {
      h.step();
      for (int i = 0; i < 3; i++) {
        h.platform.start("a");
        h.platform.vanish("a");
        h.step();
      }
      assertEquals(3, h.platform.launchCount("a"));
      assertEquals(repeat(ProcessState.LOST, 3), h.runStates("a"));
      assertFinished(h, TaskState.FAILED);
    }
  }

  @Test
  void aFinalizerThatIsLostIsRestartedWithinTheBudget() throws Exception {
    TaskConfig t = task(proc("a"), fin("f").withMinDurationSecs(1));
    try (RunnerHarness h = new RunnerHarness(dir, t)) {
      h.step();
      h.platform.start("a");
      h.platform.exit("a", 0);
      h.step();
      h.platform.start("f");
      h.platform.vanish("f");
      h.step();
      h.advance(Duration.ofSeconds(1));
      assertEquals(2, h.platform.launchCount("f"));
      h.platform.start("f");
      h.platform.exit("f", 0);
      h.step();
      assertEquals(List.of(ProcessState.LOST, ProcessState.SUCCESS), h.runStates("f"));
      assertFinished(h, TaskState.SUCCESS);
    }
  }

  // ---- the run cap ----

  @Test
  void theRunnersDefaultCapIsAHundredRuns() throws Exception {
    TaskConfig t = task(proc("a").withMaxFailures(0).withMinDurationSecs(0));
    try (RunnerHarness h = new RunnerHarness(dir, t)) {
      h.step();
      for (int i = 0; i < 100; i++) {
        assertEquals(TaskState.ACTIVE, h.taskState(), "run " + i);
        h.platform.start("a");
        h.platform.exit("a", 1);
        h.step();
      }
      assertEquals(100, h.platform.launchCount("a"));
      assertFinished(h, TaskState.FAILED);
    }
  }

  @Test
  void aDaemonAtTheRunCapIsFailedEvenWhenItSucceeds() throws Exception {
    TaskConfig t = task(daemon("d").withMinDurationSecs(0)).withMaxFailures(1);
    try (RunnerHarness h = new RunnerHarness(dir, t, 4)) {
      h.step();
      for (int i = 0; i < 4; i++) {
        h.platform.start("d");
        h.platform.exit("d", 0);
        h.step();
      }
      assertEquals(repeat(ProcessState.SUCCESS, 4), h.runStates("d"));
      assertEquals(4, h.platform.launchCount("d"));
      assertFinished(h, TaskState.FAILED);
    }
  }

  // ---- launch failures ----

  @Test
  void aLaunchFailureIsAFailedRunAndFailsTheTaskWithoutAnyEvent() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a"), fin("f")))) {
      h.platform.failLaunchesOf("a");
      h.step();
      assertEquals(List.of(ProcessState.FAILED), h.runStates("a"));
      assertFalse(h.lastRun("a").hasReturnCode());
      assertTrue(h.lastRun("a").hasStopTime());
      assertEquals(TaskState.FINALIZING, h.taskState(),
          "the failed launch is acted on in the same step, not at some later timer");
      h.platform.start("f");
      h.platform.exit("f", 0);
      h.step();
      assertFinished(h, TaskState.FAILED);
    }
  }

  @Test
  void aFailedLaunchIsRetriedLikeAnyFailure() throws Exception {
    TaskConfig t = task(proc("a").withMaxFailures(2).withMinDurationSecs(1));
    try (RunnerHarness h = new RunnerHarness(dir, t)) {
      h.platform.failLaunchesOf("a");
      long wake = h.step();
      assertEquals(h.clock.nanoTime() + Duration.ofSeconds(1).toNanos(), wake);
      h.platform.stopFailingLaunchesOf("a");
      h.advance(Duration.ofSeconds(1));
      h.platform.start("a");
      h.platform.exit("a", 0);
      h.step();
      assertEquals(List.of(ProcessState.FAILED, ProcessState.SUCCESS), h.runStates("a"));
      assertFinished(h, TaskState.SUCCESS);
    }
  }

  @Test
  void launchesThatAlwaysFailStopAtMaxFailures() throws Exception {
    TaskConfig t = task(proc("a").withMaxFailures(5).withMinDurationSecs(0));
    try (RunnerHarness h = new RunnerHarness(dir, t)) {
      h.platform.failLaunchesOf("a");
      h.step();
      assertEquals(repeat(ProcessState.FAILED, 5), h.runStates("a"));
      assertFinished(h, TaskState.FAILED);
    }
  }

  @Test
  void aFinalizerThatCannotLaunchEndsFinalizing() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a"), fin("f")))) {
      h.platform.failLaunchesOf("f");
      h.step();
      h.platform.start("a");
      h.platform.exit("a", 0);
      h.step();
      assertEquals(List.of(ProcessState.FAILED), h.runStates("f"));
      assertFinished(h, TaskState.SUCCESS);
    }
  }

  // ---- ordering, deadlock, task max_failures ----

  @Test
  void aSuccessorRunsAfterItsPredecessorSucceedsOnARetry() throws Exception {
    TaskConfig t = task(List.of(order("a", "b")), proc("a").withMaxFailures(2)
        .withMinDurationSecs(1), proc("b"));
    try (RunnerHarness h = new RunnerHarness(dir, t)) {
      h.step();
      h.platform.start("a");
      h.platform.exit("a", 1);
      h.step();
      h.advance(Duration.ofSeconds(1));
      assertFalse(h.platform.launched("b"));
      h.platform.start("a");
      h.platform.exit("a", 0);
      h.step();
      assertTrue(h.platform.launched("b"));
      h.platform.start("b");
      h.platform.exit("b", 0);
      h.step();
      assertFinished(h, TaskState.SUCCESS);
    }
  }

  @Test
  void aDeadlockedTaskFailsEvenWithUnlimitedTaskFailures() throws Exception {
    TaskConfig t = task(List.of(order("a", "b")), proc("a"), proc("b"), proc("c"))
        .withMaxFailures(0);
    try (RunnerHarness h = new RunnerHarness(dir, t)) {
      h.step();
      h.platform.start("a");
      h.platform.start("c");
      h.platform.exit("c", 0);
      h.platform.exit("a", 1);
      h.step();
      assertFalse(h.platform.launched("b"));
      assertFinished(h, TaskState.FAILED);
    }
  }

  @Test
  void taskMaxFailuresCountsPermanentlyFailedProcesses() throws Exception {
    TaskConfig t = task(proc("a"), proc("b"), proc("c")).withMaxFailures(2);
    try (RunnerHarness h = new RunnerHarness(dir, t)) {
      h.step();
      h.platform.start("a");
      h.platform.start("b");
      h.platform.start("c");
      h.platform.exit("a", 1);
      h.step();
      assertEquals(TaskState.ACTIVE, h.taskState(), "1 failed process < max_failures 2");
      h.platform.exit("b", 1);
      h.step();
      assertEquals(ProcessState.KILLED, h.lastRun("c").getState(), "TERMed at CLEANING");
      assertFinished(h, TaskState.FAILED);
    }
  }

  @Test
  void taskMaxFailuresZeroLetsEveryProcessFailAndTheTaskSucceed() throws Exception {
    TaskConfig t = task(proc("a"), proc("b")).withMaxFailures(0);
    try (RunnerHarness h = new RunnerHarness(dir, t)) {
      h.step();
      h.platform.start("a");
      h.platform.start("b");
      h.platform.exit("a", 1);
      h.platform.exit("b", 1);
      h.step();
      assertFinished(h, TaskState.SUCCESS);
    }
  }

  @Test
  void anEphemeralOutOfFailuresDoesNotFailTheTask() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a"), ephemeral("e")))) {
      h.step();
      h.platform.start("a");
      h.platform.start("e");
      h.platform.exit("e", 1);
      h.step();
      assertEquals(1, h.platform.launchCount("e"));
      h.platform.exit("a", 0);
      h.step();
      assertFinished(h, TaskState.SUCCESS);
    }
  }

  // ---- max_concurrency ----

  @Test
  void maxConcurrencyLimitsRunsAndFillsFreedSlots() throws Exception {
    TaskConfig t = task(proc("a"), proc("b"), proc("c"), proc("d")).withMaxConcurrency(2);
    try (RunnerHarness h = new RunnerHarness(dir, t)) {
      h.step();
      assertEquals(List.of(true, true, false, false), launched(h, "a", "b", "c", "d"));
      h.platform.start("a");
      h.platform.start("b");
      long wake = h.step();
      assertNotEquals(h.clock.nanoTime(), wake,
          "two processes wait for a free slot: only an exit can help, no busy loop");
      assertEquals(TaskRunner.NONE, wake);
      h.platform.exit("a", 0);
      h.step();
      assertEquals(List.of(true, true, true, false), launched(h, "a", "b", "c", "d"));
      h.platform.start("c");
      h.platform.exit("b", 0);
      h.platform.exit("c", 0);
      h.step();
      assertTrue(h.platform.launched("d"));
      h.platform.start("d");
      h.platform.exit("d", 0);
      h.step();
      assertFinished(h, TaskState.SUCCESS);
    }
  }

  @Test
  void maxConcurrencyCountsRunsThatAreNotUpYet() throws Exception {
    TaskConfig t = task(proc("a"), proc("b")).withMaxConcurrency(1);
    try (RunnerHarness h = new RunnerHarness(dir, t)) {
      h.step();
      h.advance(Duration.ofSeconds(10));
      assertEquals(List.of(true, false), launched(h, "a", "b"));
      assertConsistent(h);
    }
  }

  private static List<Boolean> launched(RunnerHarness h, String... names) {
    return java.util.Arrays.stream(names).map(h.platform::launched).toList();
  }
}
