package thermos.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static thermos.executor.LiveTasks.assertNothingLeft;
import static thermos.executor.LiveTasks.assertStatus;
import static thermos.executor.LiveTasks.ms;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.ckpt.LogReplay;
import thermos.proto.TaskState;
import thermos.proto.TaskStatus;

/**
 * The executor library against real runner JVMs and real processes, each case many times in a
 * row (the seed's stop test flaked twice in a day; these must not flake at all). After every
 * case: the runner has exited and no process of the task is alive.
 */
@Tag("integration")
class ThermosTaskRunnerIntegrationTest {
  @TempDir static Path root;
  private static LiveTasks live;
  private ThermosTaskRunner task;

  @BeforeAll
  static void setUp() {
    live = new LiveTasks(root);
  }

  @AfterEach
  void nothingLeft() {
    if (task != null) {
      assertNothingLeft(task);
      task.close();
    }
  }

  @RepeatedTest(50)
  void successThenNoOpStop() throws Exception {
    task = live.started(LiveTasks.SUCCESS, LiveTasks.newId("ok"), Duration.ofSeconds(5));
    assertTrue(task.awaitTerminal(Duration.ofSeconds(30)));
    assertStatus(task, ExecutorState.FINISHED, "Task finished.");
    long t0 = System.nanoTime();
    assertEquals(Optional.of(TaskState.SUCCESS), task.stop(Duration.ofSeconds(10)));
    assertTrue(ms(t0) < 1000, "a no-op stop is immediate: " + ms(t0) + " ms");
  }

  @RepeatedTest(50)
  void failureIsFailed() throws Exception {
    task = live.started(LiveTasks.FAILURE, LiveTasks.newId("fail"), Duration.ofSeconds(5));
    assertTrue(task.awaitTerminal(Duration.ofSeconds(30)));
    assertStatus(task, ExecutorState.FAILED, "Task failed.");
    assertEquals(Optional.of(TaskState.FAILED), task.stop(Duration.ofSeconds(10)));
  }

  @RepeatedTest(50)
  void longSleepThenStopIsKilled() throws Exception {
    task = live.started(LiveTasks.SLEEP, LiveTasks.newId("sleep"), Duration.ofSeconds(5));
    assertEquals(Optional.empty(), task.status());
    assertEquals(Optional.of(TaskState.KILLED), task.stop(Duration.ofSeconds(10)));
    assertTrue(task.awaitTerminal(Duration.ofSeconds(30)));
    assertStatus(task, ExecutorState.KILLED, "Task killed.");
    assertEquals(task.runner().orElseThrow().pid(), lastStatus().getRunnerPid(),
        "killed by its runner, not taken over");
  }

  /**
   * HotSpot's thread suspend signal is SIGUSR2 unless moved, and a JFR sampler suspending a
   * runner's thread would then lose the task: the runner is started with it moved.
   */
  @Test
  void theRunnerJvmDoesNotSuspendThreadsWithSigusr2() throws Exception {
    task = live.started(LiveTasks.SLEEP, LiveTasks.newId("sr"), Duration.ofSeconds(5));
    long pid = task.runner().orElseThrow().pid();
    String environ = new String(Files.readAllBytes(Path.of("/proc/" + pid + "/environ")),
        StandardCharsets.UTF_8);
    String expected = RunnerLauncher.SUSPEND_SIGNAL_VARIABLE + "="
        + System.getenv().getOrDefault(RunnerLauncher.SUSPEND_SIGNAL_VARIABLE,
            RunnerLauncher.SUSPEND_SIGNAL);
    assertTrue(List.of(environ.split("\0")).contains(expected), "runner environment: "
        + expected + " missing");
    assertEquals(Optional.of(TaskState.KILLED), task.stop(Duration.ofSeconds(10)));
  }

  @RepeatedTest(50)
  void longSleepLoseThenStopIsLost() throws Exception {
    task = live.started(LiveTasks.SLEEP, LiveTasks.newId("lose"), Duration.ofSeconds(5));
    task.lose();
    assertEquals(Optional.of(TaskState.LOST), task.stop(Duration.ofSeconds(10)));
    assertTrue(task.awaitTerminal(Duration.ofSeconds(30)));
    assertStatus(task, ExecutorState.LOST, "Task lost.");
  }

  @RepeatedTest(50)
  void processIgnoringSigtermIsKilledWithinTheDeadline() throws Exception {
    task = live.started(LiveTasks.IGNORES_TERM, LiveTasks.newId("stubborn"),
        Duration.ofSeconds(1));
    LiveTasks.awaitFile(task.sandbox().resolve("trapped"), Duration.ofSeconds(30));
    long t0 = System.nanoTime();
    assertEquals(Optional.of(TaskState.KILLED), task.stop(Duration.ofSeconds(5)));
    long took = ms(t0);
    assertTrue(took < 5000, "stop took " + took + " ms, past its 5 s deadline");
    assertTrue(took >= 990, "SIGKILL only after the 1 s grace, but stop took " + took + " ms");
  }

  @RepeatedTest(50)
  void runnerSigkilledIsKilledBySignal9ThenStopTakesOver() throws Exception {
    task = live.started(LiveTasks.SLEEP, LiveTasks.newId("orphan"), Duration.ofSeconds(5));
    ForkedRunner runner = task.runner().orElseThrow();
    LiveTasks.awaitRunning(task, "sleepy");
    ProcessHandle.of(runner.pid()).orElseThrow().destroyForcibly();
    runner.onExit().get();
    assertStatus(task, ExecutorState.KILLED, "Task killed by signal 9.");
    assertFalse(Leftovers.processesOf(task.taskId(),
        Leftovers.sessionsOf(task.paths(), task.taskId()), 0).isEmpty(),
        "the task outlived its runner");
    long t0 = System.nanoTime();
    assertEquals(Optional.of(TaskState.KILLED), task.stop(Duration.ofSeconds(10)));
    assertTrue(ms(t0) < 10_000);
    assertEquals(ProcessHandle.current().pid(), lastStatus().getRunnerPid(), "taken over");
  }

  private TaskStatus lastStatus() throws Exception {
    var statuses = LogReplay.replay(task.paths().runnerCheckpoint(task.taskId()), false)
        .state().statuses();
    return statuses.get(statuses.size() - 1);
  }
}
