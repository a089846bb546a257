package thermos.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static thermos.runner.Sim.assertConsistent;
import static thermos.runner.Sim.assertFinished;
import static thermos.runner.Sim.ephemeral;
import static thermos.runner.Sim.fin;
import static thermos.runner.Sim.proc;
import static thermos.runner.Sim.task;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.config.TaskConfig;
import thermos.proto.ProcessState;
import thermos.proto.RunnerCkpt;
import thermos.proto.TaskState;

/**
 * A runner restarted on its task (SEMANTICS.md §1b.9) in every stage: it replays the log,
 * announces itself, re-attaches to the runs it finds and records what happened while no runner
 * was alive.
 */
class RunnerRecoveryTest {
  @TempDir Path dir;

  @Test
  void restartInActiveReattachesAndAnnouncesTheNewRunner() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a"), proc("b")))) {
      h.step();
      h.platform.start("a");
      h.platform.start("b");
      h.step();
      h.crash();
      h.startRunner();
      assertConsistent(h);
      var statuses = h.state().getStatusesList();
      assertEquals(List.of(TaskState.ACTIVE, TaskState.ACTIVE), h.statuses());
      assertEquals(4242, statuses.get(0).getRunnerPid());
      assertEquals(4243, statuses.get(1).getRunnerPid(), "the new runner's pid");
      assertEquals(1, h.records().stream().filter(RunnerCkpt::hasRunnerHeader).count(),
          "the header is written once");
      h.step();
      assertEquals(1, h.platform.launchCount("a"), "re-attached, not relaunched");
      h.platform.exit("a", 0);
      h.platform.exit("b", 0);
      h.step();
      assertEquals(List.of(TaskState.ACTIVE, TaskState.ACTIVE, TaskState.CLEANING,
          TaskState.FINALIZING, TaskState.SUCCESS), h.statuses());
      assertFinished(h, TaskState.SUCCESS);
    }
  }

  @Test
  void anExitWhileNoRunnerWasAliveIsRecordedWithItsRealCodeAndTime() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a"), proc("b")))) {
      h.step();
      h.platform.start("a");
      h.platform.start("b");
      h.step();
      h.crash();
      h.clock.advance(Duration.ofSeconds(3));
      double exitedAt = h.clock.currentTimeSeconds();
      h.platform.exit("a", 7);
      h.clock.advance(Duration.ofSeconds(10));
      h.startRunner();
      h.step();
      assertEquals(ProcessState.FAILED, h.lastRun("a").getState());
      assertEquals(7, h.lastRun("a").getReturnCode());
      assertEquals(exitedAt, h.lastRun("a").getStopTime(), 1e-6);
      assertEquals(ProcessState.KILLED, h.lastRun("b").getState(), "TERMed: the task failed");
      assertFinished(h, TaskState.FAILED);
    }
  }

  @Test
  void aRunThatCameUpAndEndedWhileNoRunnerWasAliveIsRecordedInFull() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a")))) {
      h.step();
      h.crash();
      h.clock.advance(Duration.ofSeconds(1));
      double startedAt = h.clock.currentTimeSeconds();
      h.platform.start("a");
      h.clock.advance(Duration.ofSeconds(1));
      h.platform.exit("a", 0);
      h.startRunner();
      h.step();
      assertEquals(List.of(ProcessState.SUCCESS), h.runStates("a"));
      assertEquals(startedAt, h.lastRun("a").getStartTime(), 1e-6);
      assertEquals(0, h.lastRun("a").getReturnCode());
      assertFinished(h, TaskState.SUCCESS);
    }
  }

  @Test
  void aSignalDeathWhileNoRunnerWasAliveIsALoss() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a").withMinDurationSecs(0)))) {
      h.step();
      h.platform.start("a");
      h.step();
      h.crash();
      h.platform.end("a", Termination.signalled(9));
      h.startRunner();
      h.step();
      assertEquals(List.of(ProcessState.KILLED), h.runStates("a").subList(0, 1));
      assertEquals(-9, h.runs("a").get(0).getReturnCode());
      assertEquals(2, h.platform.launchCount("a"));
      h.platform.start("a");
      h.platform.exit("a", 0);
      h.step();
      assertFinished(h, TaskState.SUCCESS);
    }
  }

  @Test
  void aCoordinatorThatDiedWhileNoRunnerWasAliveIsLost() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a")))) {
      h.step();
      h.platform.start("a");
      h.step();
      h.crash();
      h.platform.vanish("a");
      h.startRunner();
      h.step();
      assertEquals(List.of(ProcessState.LOST), h.runStates("a"));
      h.advanceToNextTimer(Duration.ofHours(1));
      assertEquals(2, h.platform.launchCount("a"));
      h.platform.start("a");
      h.platform.exit("a", 0);
      h.step();
      assertFinished(h, TaskState.SUCCESS);
    }
  }

  @Test
  void aRunLeftWaitingByACrashedRunnerIsForked() throws Exception {
    // Records: ACTIVE, header, WAITING(a) — the runner dies before forking a.
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a")), 100, 3)) {
      assertTrue(h.survive(h::step));
      assertEquals(1, h.crashes);
      // The new runner forked run 0 while starting: one launch, one run, seqs 0 and 1.
      assertEquals(1, h.platform.launchCount("a"));
      assertEquals(List.of(ProcessState.FORKED), h.runStates("a"));
      assertEquals(1, h.lastRun("a").getSeq());
      h.step();
      h.platform.start("a");
      h.platform.exit("a", 0);
      h.step();
      assertFinished(h, TaskState.SUCCESS);
    }
  }

  @Test
  void aRunForkedButNeverUpAcrossARestartIsLostSixtySecondsAfterItsFork() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a")))) {
      h.step();
      long forked = h.clock.nanoTime();
      h.clock.advance(Duration.ofSeconds(50));
      h.crash();
      h.startRunner();
      assertEquals(forked + Duration.ofSeconds(60).toNanos(), h.step(),
          "the timeout counts from the fork, not from the restart");
      h.advanceToNextTimer(Duration.ofHours(1));
      assertEquals(ProcessState.LOST, h.runs("a").get(0).getState());
      assertConsistent(h);
    }
  }

  @Test
  void aFailureIsRetriedAfterARestart() throws Exception {
    TaskConfig t = task(proc("a").withMaxFailures(2).withMinDurationSecs(5));
    try (RunnerHarness h = new RunnerHarness(dir, t)) {
      h.step();
      h.platform.start("a");
      h.platform.exit("a", 1);
      h.step();
      h.crash();
      h.startRunner();
      h.advanceToNextTimer(Duration.ofHours(1));
      assertEquals(2, h.platform.launchCount("a"));
      h.platform.start("a");
      h.platform.exit("a", 1);
      h.step();
      assertEquals(List.of(ProcessState.FAILED, ProcessState.FAILED), h.runStates("a"),
          "the failure before the restart still counts");
      assertFinished(h, TaskState.FAILED);
    }
  }

  @Test
  void restartInNaturalCleaningKeepsTheBudgetThatStartedWithCleaning() throws Exception {
    TaskConfig t = task(proc("main"), ephemeral("side"), fin("f")).withFinalizationWaitSecs(20);
    try (RunnerHarness h = new RunnerHarness(dir, t)) {
      h.platform.ignoreTermIn("side");
      h.step();
      h.platform.start("main");
      h.platform.start("side");
      h.platform.exit("main", 0);
      h.step();
      long deadline = h.clock.nanoTime() + Duration.ofSeconds(20).toNanos();
      h.advance(Duration.ofSeconds(5));
      h.crash();
      h.clock.advance(Duration.ofSeconds(5));
      h.startRunner();
      assertEquals(deadline, h.step());
      h.advanceToNextTimer(Duration.ofHours(1));
      assertEquals(deadline, h.clock.nanoTime());
      assertEquals(List.of(TaskState.ACTIVE, TaskState.CLEANING, TaskState.CLEANING,
          TaskState.SUCCESS), h.statuses());
      assertFinished(h, TaskState.SUCCESS);
    }
  }

  @Test
  void restartInKillCausedCleaningKeepsTheKillAndItsDeadline() throws Exception {
    TaskConfig t = task(proc("a"), fin("f"));
    try (RunnerHarness h = new RunnerHarness(dir, t)) {
      h.platform.ignoreTermIn("a");
      h.step();
      h.platform.start("a");
      h.requestDurableKill(TaskState.KILLED, 10_000);
      h.step();
      long deadline = h.clock.nanoTime() + Duration.ofSeconds(10).toNanos();
      h.advance(Duration.ofSeconds(4));
      h.crash();
      h.startRunner();
      assertEquals(deadline, h.step());
      h.advance(Duration.ofSeconds(6));
      assertEquals(List.of(TaskState.ACTIVE, TaskState.CLEANING, TaskState.CLEANING,
          TaskState.KILLED), h.statuses());
      assertFinished(h, TaskState.KILLED);
    }
  }

  @Test
  void aSecondDurableKillDoesNotExtendTheDeadlineAcrossARestart() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a")))) {
      h.platform.ignoreTermIn("a");
      h.step();
      h.platform.start("a");
      h.requestDurableKill(TaskState.KILLED, 10_000);
      h.step();
      long deadline = h.clock.nanoTime() + Duration.ofSeconds(10).toNanos();
      h.advance(Duration.ofSeconds(1));
      h.requestDurableKill(TaskState.KILLED, 60_000);
      assertEquals(deadline, h.step(), "the live runner keeps the first deadline");
      h.crash();
      h.startRunner();
      assertEquals(deadline, h.step(), "and so does the next one");
      h.advance(Duration.ofSeconds(9));
      assertFinished(h, TaskState.KILLED);
    }
  }

  @Test
  void aKillRequestedWhileNoRunnerWasAliveIsAppliedByTheNextRunner() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a"), fin("f")))) {
      h.step();
      h.platform.start("a");
      h.step();
      h.crash();
      KillRequests.write(h.config.paths().killRequest(h.config.taskId()),
          h.killRequest(TaskState.KILLED, 5_000));
      h.startRunner();
      h.step();
      assertEquals(ProcessState.KILLED, h.lastRun("a").getState());
      assertEquals(TaskState.FINALIZING, h.taskState());
      h.platform.start("f");
      h.platform.exit("f", 0);
      h.step();
      assertFinished(h, TaskState.KILLED);
    }
  }

  @Test
  void restartRightAfterCleaningWasWrittenStillTermsTheRuns() throws Exception {
    // Records: ACTIVE, header, WAITING, FORKED, RUNNING (a) — then the kill writes CLEANING
    // (record 6) and the runner dies before sending any SIGTERM.
    TaskConfig t = task(proc("a"), fin("f"));
    try (RunnerHarness h = new RunnerHarness(dir, t, 100, 6)) {
      h.step();
      h.platform.start("a");
      h.step();
      assertEquals(5, h.records().size());
      assertTrue(h.survive(() -> {
        h.requestDurableKill(TaskState.KILLED, 30_000);
        h.step();
      }));
      assertEquals(List.of(), h.platform.latest("a").signals(), "the dead runner sent nothing");
      h.step();
      assertEquals(Signal.TERM, h.platform.latest("a").signals().get(0),
          "the new runner sends the SIGTERMs CLEANING owes");
      assertEquals(TaskState.FINALIZING, h.taskState(), "without waiting for the deadline");
      h.platform.start("f");
      h.platform.exit("f", 0);
      h.step();
      assertFinished(h, TaskState.KILLED);
    }
  }

  @Test
  void restartInFinalizingFollowsTheFinalizer() throws Exception {
    TaskConfig t = task(proc("a"), fin("f"));
    try (RunnerHarness h = new RunnerHarness(dir, t)) {
      h.step();
      h.platform.start("a");
      h.platform.exit("a", 0);
      h.step();
      h.platform.start("f");
      h.step();
      h.crash();
      h.platform.exit("f", 0);
      h.startRunner();
      h.step();
      assertEquals(List.of(TaskState.ACTIVE, TaskState.CLEANING, TaskState.FINALIZING,
          TaskState.FINALIZING, TaskState.SUCCESS), h.statuses());
      assertEquals(1, h.platform.launchCount("f"));
      assertFinished(h, TaskState.SUCCESS);
    }
  }

  @Test
  void restartInFinalizingKeepsTheFailedVerdict() throws Exception {
    TaskConfig t = task(proc("a"), fin("f"));
    try (RunnerHarness h = new RunnerHarness(dir, t)) {
      h.step();
      h.platform.start("a");
      h.platform.exit("a", 1);
      h.step();
      h.crash();
      h.startRunner();
      h.step();
      h.platform.start("f");
      h.platform.exit("f", 0);
      h.step();
      assertFinished(h, TaskState.FAILED);
    }
  }

  @Test
  void theVerdictIsTheOneReachedAtCleaningAfterARestartToo() throws Exception {
    // With a run cap of 2, the ephemeral's TERMed second run (a loss at the cap) fails it
    // after CLEANING began: the verdict, SUCCESS, was reached before that.
    TaskConfig t = task(proc("main"), ephemeral("side").withMaxFailures(3)
        .withMinDurationSecs(0), fin("f"));
    for (boolean restart : new boolean[] {false, true}) {
      try (RunnerHarness h = new RunnerHarness(dir.resolve("restart-" + restart), t, 2)) {
        h.step();
        h.platform.start("main");
        h.platform.start("side");
        h.platform.exit("side", 1);
        h.step();
        h.platform.start("side");
        h.platform.exit("main", 0);
        h.step();
        assertEquals(List.of(ProcessState.FAILED, ProcessState.KILLED), h.runStates("side"));
        assertEquals(TaskState.FINALIZING, h.taskState());
        if (restart) {
          h.crash();
          h.startRunner();
          h.step();
        }
        h.platform.start("f");
        h.platform.exit("f", 0);
        h.step();
        assertFinished(h, TaskState.SUCCESS);
      }
    }
  }

  @Test
  void aCrashAfterTheTerminalRecordStillMovesTheSentinel() throws Exception {
    // ACTIVE, header, WAITING, FORKED, RUNNING, SUCCESS, CLEANING, FINALIZING, SUCCESS (9).
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a")), 100, 9)) {
      h.step();
      h.platform.start("a");
      h.platform.exit("a", 0);
      RunnerException e = assertThrows(RunnerException.class, () -> h.survive(h::step));
      assertEquals(RunnerException.TERMINAL_TASK, e.exitCode());
      assertEquals(9, h.records().size());
      assertFalse(Files.exists(h.activeSentinel()), "the sentinel of a terminal task moved");
      assertTrue(Files.exists(h.finishedSentinel()));
      assertEquals(List.of(), h.platform.aliveProcesses());
    }
  }

  @Test
  void aFinishedTaskCannotBeStartedAgain() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a")))) {
      h.step();
      h.platform.start("a");
      h.platform.exit("a", 0);
      h.step();
      h.crash();
      RunnerException e = assertThrows(RunnerException.class, h::startRunner);
      assertEquals(RunnerException.TERMINAL_TASK, e.exitCode());
      assertTrue(Files.exists(h.finishedSentinel()));
    }
  }

  @Test
  void aSecondRunnerCannotTakeALockedTask() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(proc("a")))) {
      RunnerException e = assertThrows(RunnerException.class,
          () -> TaskRunner.open(h.config, h.clock, h.platform, 9999, false));
      assertEquals(RunnerException.UNKNOWN_ERROR, e.exitCode());
      h.step();
      assertConsistent(h);
    }
  }
}
