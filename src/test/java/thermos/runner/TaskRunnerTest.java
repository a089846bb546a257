package thermos.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.config.Constraint;
import thermos.config.ProcessConfig;
import thermos.config.TaskConfig;
import thermos.proto.ProcessState;
import thermos.proto.TaskState;

/** The runner's stages on a fake clock and platform. */
class TaskRunnerTest {
  @TempDir Path dir;

  private static TaskConfig task(ProcessConfig... processes) {
    return TaskConfig.of("t", List.of(processes), List.of());
  }

  @Test
  void singleProcessSucceeds() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(ProcessConfig.of("hello", "echo hi")))) {
      h.step();
      assertEquals(List.of(ProcessState.FORKED), h.runStates("hello"));
      assertTrue(Files.exists(h.activeSentinel()));
      h.platform.start("hello");
      h.step();
      assertEquals(List.of(ProcessState.RUNNING), h.runStates("hello"));
      h.platform.exit("hello", 0);
      h.step();
      assertEquals(TaskState.SUCCESS, h.taskState());
      assertEquals(List.of(TaskState.ACTIVE, TaskState.CLEANING, TaskState.FINALIZING,
          TaskState.SUCCESS), h.statuses());
      assertEquals(0, h.runs("hello").get(0).getReturnCode());
      assertFalse(Files.exists(h.activeSentinel()));
      assertTrue(Files.exists(h.finishedSentinel()));
      assertEquals(h.state(), h.replayed());
      assertEquals(List.of(), h.platform.aliveProcesses());
    }
  }

  @Test
  void failureIsRetriedAfterMinDurationThenFailsTheTask() throws Exception {
    ProcessConfig p = ProcessConfig.of("flaky", "false").withMaxFailures(2);
    try (RunnerHarness h = new RunnerHarness(dir, task(p))) {
      h.step();
      h.platform.start("flaky");
      h.platform.exit("flaky", 3);
      h.step();
      assertEquals(List.of(ProcessState.FAILED), h.runStates("flaky"));
      assertEquals(3, h.runs("flaky").get(0).getReturnCode());
      assertEquals(1, h.platform.launches, "no relaunch before min_duration");
      h.advance(Duration.ofMillis(4999));
      assertEquals(1, h.platform.launches);
      h.advance(Duration.ofMillis(1));
      assertEquals(2, h.platform.launches);
      h.platform.start("flaky");
      h.platform.exit("flaky", 1);
      h.step();
      assertEquals(TaskState.FAILED, h.taskState());
      assertEquals(List.of(ProcessState.FAILED, ProcessState.FAILED), h.runStates("flaky"));
    }
  }

  @Test
  void orderingConstraintRunsSerially() throws Exception {
    TaskConfig t = TaskConfig.of("t", List.of(ProcessConfig.of("a", "a"),
        ProcessConfig.of("b", "b")), List.of(new Constraint(List.of("a", "b"))));
    try (RunnerHarness h = new RunnerHarness(dir, t)) {
      h.step();
      assertTrue(h.platform.launched("a"));
      assertFalse(h.platform.launched("b"));
      h.platform.start("a");
      h.platform.exit("a", 0);
      h.step();
      assertTrue(h.platform.launched("b"));
      h.platform.start("b");
      h.platform.exit("b", 0);
      h.step();
      assertEquals(TaskState.SUCCESS, h.taskState());
    }
  }

  @Test
  void killInActiveTermsProcessesRunsFinalizersAndEndsKilled() throws Exception {
    ProcessConfig fin = ProcessConfig.of("cleanup", "true").withFinal(true);
    try (RunnerHarness h = new RunnerHarness(dir, task(ProcessConfig.of("sleep", "sleep 1000"),
        fin))) {
      h.step();
      h.platform.start("sleep");
      h.step();
      h.runner.requestKill(TaskState.KILLED);
      h.step();
      assertEquals(List.of(Signal.TERM), h.platform.latest("sleep").signals().subList(0, 1));
      assertEquals(ProcessState.KILLED, h.runs("sleep").get(0).getState());
      assertEquals(-15, h.runs("sleep").get(0).getReturnCode());
      assertEquals(TaskState.FINALIZING, h.taskState());
      h.platform.start("cleanup");
      h.platform.exit("cleanup", 0);
      h.step();
      assertEquals(TaskState.KILLED, h.taskState());
      assertEquals(List.of(TaskState.ACTIVE, TaskState.CLEANING, TaskState.FINALIZING,
          TaskState.KILLED), h.statuses());
      assertEquals(List.of(), h.platform.aliveProcesses());
      assertEquals(h.state(), h.replayed());
    }
  }

  @Test
  void termIgnoringProcessIsKilledAtTheGraceDeadline() throws Exception {
    try (RunnerHarness h = new RunnerHarness(dir, task(ProcessConfig.of("stubborn", "x")))) {
      h.platform.ignoreTermIn("stubborn");
      h.step();
      h.platform.start("stubborn");
      h.step();
      h.runner.requestKill(thermos.proto.KillRequest.newBuilder()
          .setTerminalState(TaskState.KILLED).setGraceMs(2000)
          .setRequestedAtMs(h.clock.currentTimeMillis()).build());
      long wake = h.step();
      assertEquals(TaskState.CLEANING, h.taskState());
      assertEquals(h.clock.nanoTime() + Duration.ofSeconds(2).toNanos(), wake);
      h.advance(Duration.ofMillis(1999));
      assertEquals(TaskState.CLEANING, h.taskState());
      h.advance(Duration.ofMillis(1));
      assertEquals(TaskState.KILLED, h.taskState());
      assertEquals(List.of(TaskState.ACTIVE, TaskState.CLEANING, TaskState.KILLED), h.statuses());
      assertEquals(-1, h.runs("stubborn").get(0).getReturnCode());
      assertEquals(List.of(Signal.TERM, Signal.KILL), h.platform.latest("stubborn").signals());
      assertEquals(List.of(), h.platform.aliveProcesses());
    }
  }
}
