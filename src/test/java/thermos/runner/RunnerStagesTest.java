package thermos.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static thermos.runner.Sim.assertConsistent;
import static thermos.runner.Sim.assertFinished;
import static thermos.runner.Sim.daemon;
import static thermos.runner.Sim.ephemeral;
import static thermos.runner.Sim.fin;
import static thermos.runner.Sim.order;
import static thermos.runner.Sim.proc;
import static thermos.runner.Sim.secs;
import static thermos.runner.Sim.task;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.config.TaskConfig;
import thermos.proto.ProcessState;
import thermos.proto.TaskState;

/**
 * The stages of a task that is not killed (SEMANTICS.md §1b.7): every transition, the
 * finalization budget shared by CLEANING and FINALIZING, ephemerals and orphans at CLEANING,
 * daemons.
 */
class RunnerStagesTest {
  @TempDir Path dir;

  private static final List<TaskState> NATURAL_SUCCESS = List.of(TaskState.ACTIVE,
      TaskState.CLEANING, TaskState.FINALIZING, TaskState.SUCCESS);
  private static final List<TaskState> NATURAL_FAILURE = List.of(TaskState.ACTIVE,
      TaskState.CLEANING, TaskState.FINALIZING, TaskState.FAILED);

  @Test
  void activeWritesStatusThenHeaderThenLaunches() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a")))) {
      var records = h.records();
      assertTrue(records.get(0).hasTaskStatus(), "first record: TaskStatus ACTIVE");
      assertEquals(TaskState.ACTIVE, records.get(0).getTaskStatus().getState());
      assertEquals(4242, records.get(0).getTaskStatus().getRunnerPid());
      assertTrue(records.get(1).hasRunnerHeader(), "then the header");
      assertEquals("task-1", records.get(1).getRunnerHeader().getTaskId());
      assertTrue(Files.exists(h.activeSentinel()));
      h.step();
      assertEquals(List.of(ProcessState.FORKED), h.runStates("a"));
      assertEquals(0, h.runs("a").get(0).getSeq() - 1, "WAITING was seq 0, FORKED seq 1");
      assertConsistent(h);
    }
  }

  @Test
  void successGoesThroughCleaningAndFinalizingToSuccess() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a"), proc("b")))) {
      h.step();
      h.platform.start("a");
      h.platform.start("b");
      h.platform.exit("a", 0);
      h.step();
      assertEquals(TaskState.ACTIVE, h.taskState(), "b still runs");
      h.platform.exit("b", 0);
      h.step();
      assertEquals(NATURAL_SUCCESS, h.statuses());
      assertFinished(h, TaskState.SUCCESS);
    }
  }

  @Test
  void aPermanentFailureGoesThroughCleaningAndFinalizingToFailed() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a")))) {
      h.step();
      h.platform.start("a");
      h.platform.exit("a", 2);
      h.step();
      assertEquals(NATURAL_FAILURE, h.statuses());
      assertEquals(List.of(ProcessState.FAILED), h.runStates("a"));
      assertFinished(h, TaskState.FAILED);
    }
  }

  @Test
  void anUnhealthyTaskStopsAtOnceAndTermsWhatStillRuns() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("bad"), proc("slow")))) {
      h.step();
      h.platform.start("bad");
      h.platform.start("slow");
      h.platform.exit("bad", 1);
      h.step();
      assertEquals(List.of(Signal.TERM, Signal.KILL), h.platform.latest("slow").signals());
      assertEquals(ProcessState.KILLED, h.lastRun("slow").getState());
      assertEquals(-15, h.lastRun("slow").getReturnCode());
      assertFinished(h, TaskState.FAILED);
      assertEquals(NATURAL_FAILURE, h.statuses());
    }
  }

  @Test
  void finalizersRunInFinalizingInTheirOwnOrderAfterSuccess() throws Exception {
    TaskConfig t = task(List.of(order("f1", "f2")), proc("a"), fin("f1"), fin("f2"));
    try (RunnerHarness h = new RunnerHarness(dir, t)) {
      h.step();
      assertFalse(h.platform.launched("f1"), "finalizers wait for FINALIZING");
      h.platform.start("a");
      h.platform.exit("a", 0);
      h.step();
      assertEquals(TaskState.FINALIZING, h.taskState());
      assertTrue(h.platform.launched("f1"));
      assertFalse(h.platform.launched("f2"));
      h.platform.start("f1");
      h.platform.exit("f1", 0);
      h.step();
      assertTrue(h.platform.launched("f2"));
      h.platform.start("f2");
      h.platform.exit("f2", 0);
      h.step();
      assertEquals(NATURAL_SUCCESS, h.statuses());
      assertFinished(h, TaskState.SUCCESS);
    }
  }

  @Test
  void finalizersRunAfterAFailureAndTheTaskStaysFailed() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a"), fin("f")))) {
      h.step();
      h.platform.start("a");
      h.platform.exit("a", 1);
      h.step();
      assertEquals(TaskState.FINALIZING, h.taskState());
      h.platform.start("f");
      h.platform.exit("f", 0);
      h.step();
      assertFinished(h, TaskState.FAILED);
    }
  }

  @Test
  void aFailingFinalizerDoesNotChangeTheVerdictAndItsDeadlockEndsFinalizing() throws Exception {
    TaskConfig t = task(List.of(order("f1", "f2")), proc("a"), fin("f1"), fin("f2"))
        .withFinalizationWaitSecs(300);
    try (RunnerHarness h = new RunnerHarness(dir, t)) {
      h.step();
      h.platform.start("a");
      h.platform.exit("a", 0);
      h.step();
      h.platform.start("f1");
      h.platform.exit("f1", 1);
      h.step();
      // f2 can never run: the final plan is deadlocked, so FINALIZING ends without the budget.
      assertFalse(h.platform.launched("f2"));
      assertFinished(h, TaskState.SUCCESS);
      assertEquals(NATURAL_SUCCESS, h.statuses());
    }
  }

  @Test
  void ephemeralsAreTermedAtCleaningAndTheirDeathIsALoss() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("main"), ephemeral("side")))) {
      h.step();
      h.platform.start("main");
      h.platform.start("side");
      h.step();
      assertEquals(List.of(), h.platform.latest("side").signals());
      h.platform.exit("main", 0);
      h.step();
      assertEquals(Signal.TERM, h.platform.latest("side").signals().get(0));
      assertEquals(List.of(ProcessState.KILLED), h.runStates("side"));
      assertEquals(-15, h.lastRun("side").getReturnCode());
      assertEquals(1, h.platform.launchCount("side"), "not restarted after CLEANING");
      assertFinished(h, TaskState.SUCCESS);
    }
  }

  @Test
  void cleaningWaitsForAnEphemeralThatTakesItsTimeThenFinalizes() throws Exception {
    TaskConfig t = task(proc("main"), ephemeral("side"), fin("f")).withFinalizationWaitSecs(10);
    try (RunnerHarness h = new RunnerHarness(dir, t)) {
      h.platform.ignoreTermIn("side");
      h.step();
      h.platform.start("main");
      h.platform.start("side");
      h.platform.exit("main", 0);
      long wake = h.step();
      assertEquals(TaskState.CLEANING, h.taskState());
      assertEquals(h.clock.nanoTime() + Duration.ofSeconds(10).toNanos(), wake,
          "nothing to do before the budget runs out, unless side ends");
      h.advance(Duration.ofSeconds(4));
      assertEquals(TaskState.CLEANING, h.taskState());
      h.platform.exit("side", 0);
      h.step();
      assertEquals(TaskState.FINALIZING, h.taskState());
      assertEquals(ProcessState.SUCCESS, h.lastRun("side").getState());
      // The budget is shared: 6 s are left for the finalizer.
      h.platform.start("f");
      h.advance(Duration.ofSeconds(6).minusMillis(1));
      assertEquals(TaskState.FINALIZING, h.taskState());
      h.advance(Duration.ofMillis(1));
      assertEquals(ProcessState.KILLED, h.lastRun("f").getState());
      assertEquals(-1, h.lastRun("f").getReturnCode());
      assertFinished(h, TaskState.SUCCESS);
    }
  }

  @Test
  void theBudgetRunningOutInCleaningSkipsFinalizersAndKillsAtTheDeadline() throws Exception {
    TaskConfig t = task(proc("main"), ephemeral("side"), fin("f")).withFinalizationWaitSecs(7);
    try (RunnerHarness h = new RunnerHarness(dir, t)) {
      h.platform.ignoreTermIn("side");
      h.step();
      h.platform.start("main");
      h.platform.start("side");
      h.platform.exit("main", 0);
      h.step();
      h.advance(Duration.ofSeconds(7).minusNanos(1));
      assertEquals(TaskState.CLEANING, h.taskState());
      assertEquals(List.of(Signal.TERM), h.platform.latest("side").signals());
      h.advance(Duration.ofNanos(1));
      assertEquals(List.of(Signal.TERM, Signal.KILL), h.platform.latest("side").signals());
      assertEquals(ProcessState.KILLED, h.lastRun("side").getState());
      assertEquals(-1, h.lastRun("side").getReturnCode());
      assertFalse(h.platform.launched("f"), "no budget left for finalizers");
      assertEquals(List.of(TaskState.ACTIVE, TaskState.CLEANING, TaskState.SUCCESS),
          h.statuses());
      assertFinished(h, TaskState.SUCCESS);
    }
  }

  @Test
  void finalizationBudgetOverrunKillsFinalizersAndKeepsTheFailedVerdict() throws Exception {
    TaskConfig t = task(proc("a"), fin("f1"), fin("f2")).withFinalizationWaitSecs(20);
    try (RunnerHarness h = new RunnerHarness(dir, t)) {
      h.step();
      h.platform.start("a");
      h.advance(Duration.ofSeconds(3));
      h.platform.exit("a", 9);
      long wake = h.step();
      assertEquals(TaskState.FINALIZING, h.taskState());
      assertEquals(h.clock.nanoTime() + Duration.ofSeconds(20).toNanos(), wake);
      h.platform.start("f1");
      h.platform.start("f2");
      h.advance(Duration.ofSeconds(5));
      h.platform.exit("f2", 0);
      h.advanceToNextTimer(Duration.ofHours(1));
      assertEquals(ProcessState.SUCCESS, h.lastRun("f2").getState());
      assertEquals(ProcessState.KILLED, h.lastRun("f1").getState());
      assertEquals(-1, h.lastRun("f1").getReturnCode());
      assertEquals(List.of(Signal.KILL), h.platform.latest("f1").signals(),
          "finalizers get no SIGTERM, only the SIGKILL at the deadline");
      assertEquals(NATURAL_FAILURE, h.statuses());
      assertEquals(h.clock.currentTimeMillis(),
          h.state().getStatuses(3).getTimestampMs());
      assertEquals(20_000, h.state().getStatuses(3).getTimestampMs()
          - h.state().getStatuses(1).getTimestampMs(), "20 s after CLEANING began");
      assertFinished(h, TaskState.FAILED);
    }
  }

  @Test
  void aFinalizerThatFailsIsRetriedWithinTheBudget() throws Exception {
    TaskConfig t = task(proc("a"), fin("f").withMaxFailures(3).withMinDurationSecs(2));
    try (RunnerHarness h = new RunnerHarness(dir, t)) {
      h.step();
      h.platform.start("a");
      h.platform.exit("a", 0);
      h.step();
      h.platform.start("f");
      h.platform.exit("f", 1);
      h.step();
      assertEquals(1, h.platform.launchCount("f"));
      h.advanceToNextTimer(Duration.ofHours(1));
      assertEquals(2, h.platform.launchCount("f"), "retried 2 s later");
      h.platform.start("f");
      h.platform.exit("f", 0);
      h.step();
      assertEquals(List.of(ProcessState.FAILED, ProcessState.SUCCESS), h.runStates("f"));
      assertFinished(h, TaskState.SUCCESS);
    }
  }

  /** An orphan of the task (ignoring SIGTERM if told), then "a" runs and exits 0: CLEANING. */
  private static FakePlatform.Orphan orphanThenAExits(RunnerHarness h, boolean ignoresTerm)
      throws Exception {
    FakePlatform.Orphan o = h.platform.addOrphan();
    o.ignoresTerm = ignoresTerm;
    h.step();
    h.platform.start("a");
    h.platform.exit("a", 0);
    h.step();
    return o;
  }

  @Test
  void orphansAreTermedAtCleaning() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a")))) {
      FakePlatform.Orphan o = orphanThenAExits(h, false);
      assertEquals(List.of(Signal.TERM), o.signals);
      assertFalse(o.alive);
      assertFinished(h, TaskState.SUCCESS);
      assertEquals(NATURAL_SUCCESS, h.statuses());
    }
  }

  @Test
  void aTermIgnoringOrphanIsKilledExactlyAtTheDeadline() throws Exception {
    TaskConfig t = task(proc("a")).withFinalizationWaitSecs(5);
    try (RunnerHarness h = new RunnerHarness(dir, t)) {
      FakePlatform.Orphan o = orphanThenAExits(h, true);
      assertEquals(TaskState.CLEANING, h.taskState());
      long deadline = h.clock.nanoTime() + Duration.ofSeconds(5).toNanos();
      int steps = 0;
      while (h.taskState() == TaskState.CLEANING && steps++ < 10_000) {
        assertTrue(o.alive);
        assertEquals(List.of(Signal.TERM), o.signals);
        h.advanceToNextTimer(Duration.ofHours(1));
        assertTrue(h.clock.nanoTime() <= deadline, "never steps past the deadline");
      }
      assertEquals(deadline, h.clock.nanoTime());
      assertEquals(List.of(Signal.TERM, Signal.KILL), o.signals);
      assertFinished(h, TaskState.SUCCESS);
    }
  }

  @Test
  void aLingeringOrphanIsLookedAtWithABackOffNotEvery10Ms() throws Exception {
    TaskConfig t = task(proc("a")).withFinalizationWaitSecs(60);
    try (RunnerHarness h = new RunnerHarness(dir, t)) {
      FakePlatform.Orphan o = orphanThenAExits(h, true);
      List<Long> gaps = new java.util.ArrayList<>();
      while (h.taskState() == TaskState.CLEANING && gaps.size() < 10_000) {
        long before = h.clock.nanoTime();
        h.advanceToNextTimer(Duration.ofHours(1));
        gaps.add(h.clock.nanoTime() - before);
      }
      // 10, 20, 40, ... ms, then every 500 ms: each look scans /proc.
      assertEquals(List.of(10_000_000L, 20_000_000L, 40_000_000L, 80_000_000L), gaps.subList(0, 4));
      assertTrue(gaps.size() < 140, "looks: " + gaps.size());
      assertTrue(gaps.stream().allMatch(g -> g <= 500_000_000L), "a look at least every 500 ms");
      assertFinished(h, TaskState.SUCCESS);
    }
  }

  @Test
  void anOrphanThatDiesIsNoticedAtTheNextLook() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a"), fin("f")))) {
      FakePlatform.Orphan o = orphanThenAExits(h, true);
      h.advance(Duration.ofSeconds(3));
      assertEquals(TaskState.CLEANING, h.taskState());
      o.alive = false; // it exits on its own (no event: it is not our child)
      h.advanceToNextTimer(Duration.ofSeconds(1));
      assertEquals(TaskState.FINALIZING, h.taskState());
    }
  }

  @Test
  void aDaemonIsRestartedAfterMinDurationUntilItFails() throws Exception {
    TaskConfig t = task(daemon("d").withMinDurationSecs(3));
    try (RunnerHarness h = new RunnerHarness(dir, t)) {
      h.step();
      for (int i = 0; i < 3; i++) {
        h.platform.start("d");
        h.platform.exit("d", 0);
        long wake = h.step();
        assertEquals(i + 1, h.platform.launchCount("d"));
        assertEquals(h.clock.nanoTime() + Duration.ofSeconds(3).toNanos(), wake);
        h.advance(Duration.ofSeconds(3).minusNanos(1));
        assertEquals(i + 1, h.platform.launchCount("d"), "not before min_duration");
        h.advance(Duration.ofNanos(1));
        assertEquals(i + 2, h.platform.launchCount("d"));
        assertEquals(TaskState.ACTIVE, h.taskState(), "a daemon never completes by succeeding");
      }
      h.platform.start("d");
      h.platform.exit("d", 1);
      h.step();
      assertEquals(List.of(ProcessState.SUCCESS, ProcessState.SUCCESS, ProcessState.SUCCESS,
          ProcessState.FAILED), h.runStates("d"));
      assertFinished(h, TaskState.FAILED);
    }
  }

  @Test
  void anEphemeralDaemonKeepsRestartingUntilTheRestIsDone() throws Exception {
    TaskConfig t = task(proc("main"), daemon("d").withEphemeral(true).withMinDurationSecs(1));
    try (RunnerHarness h = new RunnerHarness(dir, t)) {
      h.step();
      h.platform.start("main");
      h.platform.start("d");
      h.platform.exit("d", 0);
      h.advanceToNextTimer(Duration.ofHours(1));
      assertEquals(2, h.platform.launchCount("d"));
      h.platform.start("d");
      h.platform.exit("main", 0);
      h.step();
      assertEquals(List.of(ProcessState.SUCCESS, ProcessState.KILLED), h.runStates("d"));
      assertFinished(h, TaskState.SUCCESS);
    }
  }

  @Test
  void aTaskWithOnlyFinalizersFinalizesAtOnce() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(fin("f")))) {
      h.step();
      assertEquals(TaskState.FINALIZING, h.taskState());
      h.platform.start("f");
      h.platform.exit("f", 0);
      h.step();
      assertFinished(h, TaskState.SUCCESS);
      assertEquals(NATURAL_SUCCESS, h.statuses());
    }
  }

  @Test
  void nothingIsSignalledThatAlreadyExited() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a")))) {
      h.step();
      h.platform.start("a");
      h.platform.exit("a", 0);
      h.step();
      // The tree of a finished run is SIGKILLed (background children must not outlive it),
      // but no TERM: the run was over before CLEANING.
      assertEquals(List.of(Signal.KILL), h.platform.latest("a").signals());
    }
  }

  @Test
  void aBackgroundChildNeverOutlivesItsRun() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a").withMaxFailures(2)
        .withMinDurationSecs(0)))) {
      h.step();
      h.platform.start("a");
      h.platform.latest("a").lingeringChild = true;
      h.platform.exit("a", 1);
      h.step();
      assertFalse(h.platform.run("a", 0).alive(), "killed with its run");
      assertEquals(2, h.platform.launchCount("a"));
      h.platform.start("a");
      h.platform.exit("a", 0);
      h.step();
      assertFinished(h, TaskState.SUCCESS);
    }
  }

  @Test
  void childrenForkedWhileTheEndKillsAreKilledBeforeTheTerminalStatus() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a")))) {
      List<List<String>> aliveAtTerminal = new java.util.ArrayList<>();
      h.runner.addListener(new thermos.ckpt.UniversalStateHandler() {
        @Override
        public void onTaskTransition(thermos.proto.TaskStatus update, TaskState from) {
          if (thermos.ckpt.States.isTerminal(update.getState())) {
            aliveAtTerminal.add(h.platform.aliveProcesses());
          }
        }
      });
      h.platform.ignoreTermIn("a");
      h.step();
      h.platform.start("a");
      h.platform.latest("a").forksDuringKill = 3;
      h.requestKill(TaskState.KILLED, 1_000);
      h.step();
      h.advance(Duration.ofSeconds(1));
      // One SIGKILL pass would leave the child forked during it; the end looks again (and
      // again) until nothing is alive, and only then writes the terminal status.
      assertEquals(0, h.platform.latest("a").forksDuringKill);
      assertEquals(List.of(List.of()), aliveAtTerminal);
      assertFinished(h, TaskState.KILLED);
    }
  }

  @Test
  void theLoopNeedsNoTimerWhileOnlyEventsCanMakeProgress() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a")))) {
      assertEquals(h.clock.nanoTime() + Duration.ofSeconds(60).toNanos(), h.step(),
          "only the FORKED run's lost timeout");
      h.platform.start("a");
      assertEquals(TaskRunner.NONE, h.step());
      h.advance(secs(3600));
      assertEquals(TaskState.ACTIVE, h.taskState());
    }
  }
}
