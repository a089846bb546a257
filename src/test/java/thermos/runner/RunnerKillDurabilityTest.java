package thermos.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static thermos.runner.Sim.assertFinished;
import static thermos.runner.Sim.fin;
import static thermos.runner.Sim.proc;
import static thermos.runner.Sim.task;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.config.TaskConfig;
import thermos.proto.KillRequest;
import thermos.proto.ProcessState;
import thermos.proto.TaskState;

/**
 * What the kill signals mean and what survives a runner crash (DESIGN.md §4): a kill or lose
 * that arrives as a signal alone (SIGUSR1, SIGTERM, ^C, SIGUSR2) is written to the request file
 * before CLEANING, so a restarted runner still ends the task as the kill said, with the kill's
 * deadline; SIGUSR2 always loses with no grace, merged with what is pending.
 */
class RunnerKillDurabilityTest {
  @TempDir Path dir;

  private static final TaskState KILLED = TaskState.KILLED;
  private static final TaskState LOST = TaskState.LOST;

  /** finalization_wait (100 s) differs from the runner's default kill grace (60 s). */
  private static final TaskConfig TASK = task(proc("a"), fin("f")).withFinalizationWaitSecs(100);

  private KillRequest pending(RunnerHarness h) {
    return KillRequests.read(h.config.paths().killRequest(h.config.taskId())).orElseThrow();
  }

  @Test
  void aSignalOnlyKillSurvivesACrashRightAfterCleaning() throws Exception {
    // The first runner appends ACTIVE, header, WAITING, FORKED, RUNNING, then CLEANING (#6), and
    // dies with CLEANING on disk, before acting on it.
    try (RunnerHarness h = new RunnerHarness(dir, TASK, TaskPlanner.RUNNER_RUN_LIMIT, 6)) {
      h.platform.ignoreTermIn("a");
      h.step();
      h.platform.start("a");
      h.step();
      long killedAt = h.clock.nanoTime();
      h.runner.requestKill(KILLED); // what SIGUSR1, SIGTERM and ^C do: no request file
      assertTrue(h.survive(h::step), "the runner was to die after writing CLEANING");
      assertEquals(2, h.runnersStarted);
      assertEquals(TaskState.CLEANING, h.taskState());

      // The new runner knows the kill: KILLED at the kill's deadline (60 s, the default grace),
      // not a natural CLEANING with its 100 s finalization_wait and a SUCCESS verdict.
      long wake = h.step();
      assertEquals(killedAt + Duration.ofSeconds(60).toNanos(), wake, "the kill's deadline");
      h.clock.advanceTo(wake - 1);
      h.step();
      assertEquals(TaskState.CLEANING, h.taskState());
      h.clock.advanceTo(wake);
      h.step();
      assertEquals(ProcessState.KILLED, h.lastRun("a").getState());
      assertFalse(h.platform.launched("f"), "the budget was spent in CLEANING");
      assertFinished(h, KILLED);
    }
  }

  @Test
  void aKillRequestedInMemoryIsRecordedBeforeCleaning() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, TASK)) {
      h.step();
      h.platform.start("a");
      h.requestKill(KILLED, 7_000);
      h.step();
      assertTrue(h.stages().contains(TaskState.CLEANING), () -> "stages " + h.stages());
      KillRequest recorded = pending(h);
      assertEquals(KILLED, recorded.getTerminalState());
      assertEquals(7_000, recorded.getGraceMs());
    }
  }

  @Test
  void usr2WithAPendingKillEndsAtOnceInsteadOfReapplyingTheKillsGrace() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, TASK)) {
      h.platform.ignoreTermIn("a");
      h.step();
      h.platform.start("a");
      h.requestDurableKill(KILLED, 30_000);
      h.step();
      assertEquals(TaskState.CLEANING, h.taskState());
      h.advance(Duration.ofSeconds(1));
      h.runner.requestKill(LOST); // SIGUSR2
      h.step();
      // The first request decides the outcome; the lose moves the deadline to now.
      assertEquals(List.of(TaskState.ACTIVE, TaskState.CLEANING, KILLED), h.statuses());
      assertFinished(h, KILLED);
      KillRequest merged = pending(h);
      assertEquals(KILLED, merged.getTerminalState());
      assertEquals(1_000, merged.getGraceMs(), "the file's deadline is the lose's: now");
    }
  }

  @Test
  void usr2WithoutARequestFileLosesWithNoGrace() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, TASK)) {
      h.platform.ignoreTermIn("a");
      h.step();
      h.platform.start("a");
      h.runner.requestKill(LOST);
      h.step();
      assertEquals(List.of(TaskState.ACTIVE, TaskState.CLEANING, LOST), h.statuses());
      assertFinished(h, LOST);
      assertEquals(LOST, pending(h).getTerminalState());
      assertEquals(0, pending(h).getGraceMs());
    }
  }

  @Test
  void usr1DefersToThePendingRequestFilesGraceEvenWhenLongerThanTheDefault() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, TASK)) {
      h.platform.ignoreTermIn("a");
      h.step();
      h.platform.start("a");
      KillRequests.write(h.config.paths().killRequest(h.config.taskId()),
          h.killRequest(KILLED, 90_000));
      h.runner.requestKill(KILLED); // the CLI wrote the file, then sent SIGUSR1
      long wake = h.step();
      assertEquals(h.clock.nanoTime() + Duration.ofSeconds(90).toNanos(), wake,
          "the file's 90 s, not the runner's default 60 s");
      assertEquals(90_000, pending(h).getGraceMs(), "the file is left as the CLI wrote it");
    }
  }

  @Test
  void aRequestReadFromTheFileIsNotWrittenAgain() throws Exception {
    // The file event hands the runner the request it read from the file: already durable, so
    // the runner does not spend an fsync and a rename on rewriting it before CLEANING.
    try (RunnerHarness h = new RunnerHarness(dir, TASK)) {
      h.platform.ignoreTermIn("a");
      h.step();
      h.platform.start("a");
      Path file = h.config.paths().killRequest(h.config.taskId());
      KillRequest request = h.killRequest(KILLED, 5_000);
      KillRequests.write(file, request);
      Object inode = java.nio.file.Files.readAttributes(file,
          java.nio.file.attribute.BasicFileAttributes.class).fileKey();
      h.runner.requestKill(KillRequests.read(file).orElseThrow()); // what KillWatch does
      h.step();
      assertEquals(TaskState.CLEANING, h.taskState());
      assertEquals(inode, java.nio.file.Files.readAttributes(file,
          java.nio.file.attribute.BasicFileAttributes.class).fileKey(), "rewritten");
      assertEquals(request, pending(h));
    }
  }
}
