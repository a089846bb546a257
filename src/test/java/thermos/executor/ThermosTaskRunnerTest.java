package thermos.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.config.ProcessConfig;
import thermos.config.TaskConfig;
import thermos.proto.TaskState;
import thermos.runner.Termination;

/** {@link ThermosTaskRunner} on a fake platform, clock and runner. */
class ThermosTaskRunnerTest {
  private static final Duration G = Duration.ofSeconds(5);
  private static final TaskConfig SLEEP =
      TaskConfig.of("sleepy", List.of(ProcessConfig.of("sleep", "sleep 1000")), List.of());

  @TempDir Path dir;
  private final Scenario sc = new Scenario(false);
  private final SimWorld w = sc.w;
  private final FakeExecutorPlatform platform = new FakeExecutorPlatform(sc);

  private ThermosTaskRunnerBuilder builder(TaskConfig task) {
    return ThermosTaskRunner.builder(task, "task-1", dir.resolve("sandbox"), dir.resolve("root"))
        .preemptionWait(G).stopTimeout(Duration.ofSeconds(10)).platform(platform)
        .clock(w.clock).launcher(RunnerLauncher.ofCommand(List.of("fake-runner")));
  }

  private ThermosTaskRunner runner() {
    return builder(SLEEP).build();
  }

  private ThermosTaskRunner started() throws Exception {
    ThermosTaskRunner r = runner();
    r.start(Duration.ofSeconds(60));
    return r;
  }

  private long ms(long since) {
    return (w.now() - since) / 1_000_000;
  }

  @Test
  void startReturnsOnceTheRunnerHasStartedTheTask() throws Exception {
    long t0 = w.now();
    ThermosTaskRunner r = started();
    assertEquals(300, ms(t0), "the runner announced itself after 300 ms");
    assertEquals(1, platform.forks);
    assertEquals(Optional.empty(), r.status());
    assertTrue(Files.exists(dir.resolve("sandbox/.thermos_executor/task.json")));
    List<String> cmd = platform.command;
    assertEquals(List.of("fake-runner", "runner", "--task-json"), cmd.subList(0, 3));
    assertTrue(cmd.containsAll(List.of("--task-id", "task-1", "--preemption-wait", "5.0")), cmd.toString());
  }

  @Test
  void startRaisesWithTheRunnersReasonIfItExitsFirst() {
    platform.boot = fr -> w.after(Duration.ofMillis(200), () -> fr.die(Termination.exited(102)));
    TaskError e = assertThrows(TaskError.class, () -> started());
    assertTrue(e.getMessage().startsWith("Task failed: Thermos received an invalid task."),
        e.getMessage());
  }

  @Test
  void startRaisesWhenTheRunnerIsKilledBeforeStarting() {
    platform.boot = fr -> w.after(Duration.ofMillis(200), () -> fr.die(Termination.signalled(9)));
    TaskError e = assertThrows(TaskError.class, () -> started());
    assertTrue(e.getMessage().startsWith("Task failed: Task killed by signal 9."), e.getMessage());
  }

  @Test
  void startLosesTheTaskIfItDoesNotStartInTime() throws Exception {
    platform.boot = fr -> {};
    ThermosTaskRunner r = runner();
    long t0 = w.now();
    TaskError e = assertThrows(TaskError.class, () -> r.start(Duration.ofSeconds(2)));
    assertEquals("Task did not start within deadline.", e.getMessage());
    assertEquals(2000, ms(t0));
    assertEquals(List.of(new SimWorld.Request(TaskState.LOST, Duration.ZERO, w.now())),
        w.requests);
    assertEquals(0, sc.runner.wakes, "an unannounced runner is not signalled");
    assertFalse(platform.announced.test(Scenario.RUNNER_PID));
    // The runner never got as far as the header: stopping it just kills it.
    assertEquals(Optional.empty(), r.stop(Duration.ofSeconds(10)));
    assertFalse(sc.runner.isAlive());
  }

  @Test
  void anInvalidTaskIsRejectedBeforeAnythingIsForked() throws Exception {
    TaskConfig bad = TaskConfig.of("bad", List.of(ProcessConfig.of("p", "echo {{thermos.ports[http]}}")), List.of());
    TaskError e = assertThrows(TaskError.class, () -> builder(bad).build().start(G));
    assertTrue(e.getMessage().startsWith("Failed to load task:"), e.getMessage());
    assertTrue(e.getMessage().contains("http"), e.getMessage());
    assertEquals(0, platform.forks);
    assertFalse(Files.exists(dir.resolve("sandbox")), "nothing written");
  }

  @Test
  void aMissingTaskFileIsATaskError() {
    ThermosTaskRunner r = ThermosTaskRunner.builder(dir.resolve("nope.json"), "t",
        dir.resolve("sb"), dir.resolve("root")).platform(platform).clock(w.clock).build();
    TaskError e = assertThrows(TaskError.class, () -> r.start(G));
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    assertEquals(0, platform.forks);
  }

  @Test
  void aMissingRunnerJarIsRejectedBeforeAnythingIsForked() {
    ThermosTaskRunner r = builder(SLEEP)
        .launcher(RunnerLauncher.defaults().withJar(dir.resolve("missing.jar"))).build();
    TaskError e = assertThrows(TaskError.class, () -> r.start(G));
    assertTrue(e.getMessage().contains("missing.jar does not exist"), e.getMessage());
    assertEquals(0, platform.forks);
    assertFalse(Files.exists(dir.resolve("sandbox")));
  }

  @Test
  void anUnusableSandboxOrRootIsRejectedBeforeAnythingIsWritten() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    TaskError e = assertThrows(TaskError.class, () -> ThermosTaskRunner.builder(SLEEP, "t",
        file.resolve("sandbox"), dir.resolve("root")).platform(platform).clock(w.clock)
        .launcher(RunnerLauncher.ofCommand(List.of("x"))).build().start(G));
    assertTrue(e.getMessage().contains("sandbox") && e.getMessage().contains("not a directory"),
        e.getMessage());
    e = assertThrows(TaskError.class, () -> ThermosTaskRunner.builder(SLEEP, "t",
        dir.resolve("sb"), file.resolve("root")).platform(platform).clock(w.clock)
        .launcher(RunnerLauncher.ofCommand(List.of("x"))).build().start(G));
    assertTrue(e.getMessage().contains("checkpoint root"), e.getMessage());
    assertEquals(0, platform.forks);
    assertFalse(Files.exists(dir.resolve("sb")));
  }

  @Test
  void aTaskIdRunByALiveRunnerIsRejected() {
    platform.liveRunner = OptionalLong.of(777);
    TaskError e = assertThrows(TaskError.class, () -> started());
    assertTrue(e.getMessage().contains("already being run by runner pid 777"), e.getMessage());
    assertEquals(0, platform.forks);
  }

  @Test
  void aFinishedTaskIdIsRejected() {
    w.write(TaskState.SUCCESS, 1);
    TaskError e = assertThrows(TaskError.class, () -> started());
    assertTrue(e.getMessage().contains("task ids are not reused"), e.getMessage());
    assertEquals(0, platform.forks);
  }

  @Test
  void startTwiceIsAnError() throws Exception {
    ThermosTaskRunner r = started();
    assertThrows(TaskError.class, () -> r.start(G));
    assertEquals(1, platform.forks);
  }

  @Test
  void stopBeforeStart() {
    TaskError e = assertThrows(TaskError.class, () -> runner().stop(Duration.ofSeconds(10)));
    assertEquals("Failed to call TaskRunner.start.", e.getMessage());
    assertEquals(0, w.requests.size());
  }

  @Test
  void stopTwice() throws Exception {
    ThermosTaskRunner r = started();
    assertEquals(Optional.of(TaskState.KILLED), r.stop(Duration.ofSeconds(10)));
    long t0 = w.now();
    assertEquals(Optional.of(TaskState.KILLED), r.stop(Duration.ofSeconds(10)));
    assertEquals(0, ms(t0));
    assertEquals(1, w.requests.size());
    assertEquals(Optional.of(new StatusResult(ExecutorState.KILLED, "Task killed.")), r.status());
  }

  @Test
  void killThenLose() throws Exception {
    ThermosTaskRunner r = started();
    r.kill();
    r.lose(); // ignored: the first of kill/lose counts
    assertEquals(List.of(new SimWorld.Request(TaskState.KILLED, G, w.now())), w.requests);
    assertEquals(1, sc.runner.wakes);
    assertTrue(r.awaitTerminal(Duration.ofSeconds(60)));
    assertEquals(Optional.of(new StatusResult(ExecutorState.KILLED, "Task killed.")), r.status());
    assertEquals(Optional.of(TaskState.KILLED), r.stop(Duration.ofSeconds(10)));
  }

  @Test
  void loseThenStopLosesTheTask() throws Exception {
    sc.mode = Scenario.Mode.IGNORES;
    ThermosTaskRunner r = started();
    r.lose();
    assertEquals(Optional.of(TaskState.LOST), r.stop(Duration.ofSeconds(10)));
    assertEquals(TaskState.LOST, w.requests.get(1).terminal());
    assertEquals(Duration.ZERO, w.requests.get(1).grace());
    assertEquals(Optional.of(new StatusResult(ExecutorState.LOST, "Task lost.")), r.status());
  }

  @Test
  void statusIsEmptyWhileRunningThenMapsTheExit() throws Exception {
    ThermosTaskRunner r = started();
    assertEquals(Optional.empty(), r.status());
    w.after(Duration.ofSeconds(1), () -> w.write(TaskState.SUCCESS, 4242));
    w.after(Duration.ofSeconds(2), () -> sc.runner.die(Termination.exited(0)));
    assertTrue(r.awaitTerminal(Duration.ofSeconds(60)));
    assertEquals(Optional.of(new StatusResult(ExecutorState.FINISHED, "Task finished.")),
        r.status());
    assertEquals(Optional.of(TaskState.SUCCESS), r.stop(Duration.ofSeconds(10)), "no-op stop");
    assertEquals(0, w.requests.size());
  }

  @Test
  void statusOfARunnerKilledBySignal() throws Exception {
    ThermosTaskRunner r = started();
    sc.runner.die(Termination.signalled(9));
    assertEquals(Optional.of(new StatusResult(ExecutorState.KILLED, "Task killed by signal 9.")),
        r.status());
    // The task's processes live on: a stop takes the task over.
    assertEquals(Optional.of(TaskState.KILLED), r.stop(Duration.ofSeconds(10)));
    assertEquals(1, w.takeover.calls);
  }

  @Test
  void statusOfARunnerThatDiesWithTheTaskActive() throws Exception {
    ThermosTaskRunner r = started();
    sc.runner.die(Termination.exited(0));
    assertEquals(Optional.of(new StatusResult(ExecutorState.LOST,
        "Runner died while task was active.")), r.status());
  }

  @Test
  void aCollidingConfigurationIsRejectedAtBuild() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> builder(SLEEP).preemptionWait(Duration.ofSeconds(60))
            .stopTimeout(Duration.ofSeconds(60)).build());
    assertTrue(e.getMessage().contains("62001 ms"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> builder(SLEEP)
        .preemptionWait(Duration.ofSeconds(58)).stopTimeout(Duration.ofSeconds(60)).build());
    builder(SLEEP).preemptionWait(Duration.ofMillis(57_999)).stopTimeout(Duration.ofSeconds(60))
        .build();
  }

  @Test
  void aStopWithATimeoutTooSmallForTheGraceClampsIt() throws Exception {
    sc.ignoreTerm = true;
    ThermosTaskRunner r = started();
    long t0 = w.now();
    assertEquals(Optional.of(TaskState.KILLED), r.stop(Duration.ofSeconds(3)));
    assertEquals(Duration.ofMillis(999), w.requests.get(0).grace());
    assertTrue(ms(t0) < 3000);
    assertThrows(IllegalArgumentException.class, () -> r.stop(Duration.ofSeconds(2)));
  }

  @Test
  void takeoverIsQuitquitquit() throws Exception {
    ThermosTaskRunner r = started();
    assertEquals(TaskState.KILLED, r.takeover());
    assertEquals(G, w.takeover.lastGrace);
    assertFalse(sc.runner.isAlive(), "the live runner was killed");
  }

  @Test
  void listenersHearOfTheEnd() throws Exception {
    ThermosTaskRunner r = started();
    r.close();
    assertTrue(w.checkpoint.closed);
    assertEquals(Map.of(), r.ports());
  }
}
