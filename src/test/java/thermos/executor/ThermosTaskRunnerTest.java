package thermos.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.ckpt.TaskPath;
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
    // The runner never got as far as the header: stopping it kills it and leaves nothing.
    assertEquals(Optional.empty(), r.stop(Duration.ofSeconds(10)));
    assertFalse(sc.runner.isAlive());
    assertEquals(1, w.takeover.discards);
    assertTrue(w.isEmpty(), "nothing half-written");
    assertEquals(Optional.of(new StatusResult(ExecutorState.LOST,
        "Task lost during initialization.")), r.status());
  }

  @Test
  void aRunnerHungBeforeItsHeaderLeavesNoActiveLogBehind() throws Exception {
    // It wrote TaskStatus(ACTIVE) (it does so before the header), then hung.
    platform.boot = fr -> w.after(Duration.ofMillis(100), fr::announceWithoutHeader);
    ThermosTaskRunner r = runner();
    assertThrows(TaskError.class, () -> r.start(Duration.ofSeconds(2)));
    assertEquals(TaskState.ACTIVE, w.state);
    long t0 = w.now();
    assertEquals(Optional.empty(), r.stop(Duration.ofSeconds(10)), "nothing was launched");
    assertEquals(0, ms(t0), "killed at once, not waited for");
    assertEquals(1, sc.runner.destroys);
    assertTrue(w.isEmpty(), "the header-less log is gone, not left ACTIVE for ever");
    assertEquals(0, w.takeover.calls);
  }

  @Test
  void aRunnerThatDiedBeforeItsHeaderKeepsItsOwnReason() throws Exception {
    platform.boot = fr -> w.after(Duration.ofMillis(100), () -> {
      fr.announceWithoutHeader();
      fr.die(Termination.exited(101));
    });
    ThermosTaskRunner r = runner();
    TaskError e = assertThrows(TaskError.class, () -> r.start(Duration.ofSeconds(2)));
    assertTrue(e.getMessage().startsWith("Task failed: Thermos failed with internal error."),
        e.getMessage());
    assertEquals(Optional.empty(), r.stop(Duration.ofSeconds(10)));
    assertTrue(w.isEmpty());
    assertEquals(0, sc.runner.destroys, "it was dead already");
    assertEquals(Optional.of(new StatusResult(ExecutorState.LOST,
        "Thermos failed with internal error.")), r.status());
  }

  @Test
  void aRunnerThatGetsAsFarAsLaunchingAsItIsKilledIsTakenOver() throws Exception {
    platform.boot = fr -> {};
    ThermosTaskRunner r = runner();
    assertThrows(TaskError.class, () -> r.start(Duration.ofSeconds(2)));
    sc.runner.beforeDestroyed = sc.runner::announce; // header and sentinel, just before the KILL
    assertEquals(Optional.of(TaskState.LOST), r.stop(Duration.ofSeconds(10)));
    assertEquals(0, w.takeover.discards);
    assertEquals(1, w.takeover.calls, "launched: taken over, not discarded");
    assertEquals(Optional.of(new StatusResult(ExecutorState.LOST, "Task lost.")), r.status());
  }

  // ---- a kill or stop racing start() ----

  @Test
  void aKillBeforeStartReachesTheRunnerAsItBoots() throws Exception {
    ThermosTaskRunner r = runner();
    r.kill();
    assertEquals(List.of(), w.requests, "nothing written before start() has checked where");
    long t0 = w.now();
    r.start(Duration.ofSeconds(60));
    assertEquals(List.of(new SimWorld.Request(TaskState.KILLED, G, t0)), w.requests,
        "written just before the fork");
    assertEquals(0, sc.runner.wakes, "no signal needed: the runner read it as it booted");
    assertTrue(r.awaitTerminal(Duration.ofSeconds(60)));
    assertEquals(Optional.of(new StatusResult(ExecutorState.KILLED, "Task killed.")), r.status());
    r.lose();
    assertEquals(Optional.of(TaskState.KILLED), r.stop(Duration.ofSeconds(10)));
    assertEquals(1, w.requests.size(), "the lose and the stop add nothing");
  }

  @Test
  void aKillWhileStartPreparesIsPassedOnAtTheFork() throws Exception {
    ThermosTaskRunner r = runner();
    platform.whilePreparing = r::lose;
    r.start(Duration.ofSeconds(60));
    assertEquals(List.of(new SimWorld.Request(TaskState.LOST, Duration.ZERO, w.now() - 300_000_000L)),
        w.requests);
    assertTrue(r.awaitTerminal(Duration.ofSeconds(60)));
    assertEquals(Optional.of(new StatusResult(ExecutorState.LOST, "Task lost.")), r.status());
  }

  @Test
  void aKillDuringTheForkIsWrittenAtOnce() throws Exception {
    ThermosTaskRunner r = runner();
    platform.duringFork = r::kill;
    r.start(Duration.ofSeconds(60));
    assertEquals(1, w.requests.size());
    assertEquals(0, sc.runner.wakes);
    assertTrue(r.awaitTerminal(Duration.ofSeconds(60)));
    assertEquals(Optional.of(new StatusResult(ExecutorState.KILLED, "Task killed.")), r.status());
  }

  @Test
  void aStopDuringTheForkWaitsForItThenStopsWhatWasStarted() throws Exception {
    ThermosTaskRunner r = runner();
    platform.boot = FakeRunner::announce; // the runner starts the task as the fork returns
    Thread stopper = Thread.currentThread();
    w.driver = stopper;
    CountDownLatch forking = new CountDownLatch(1);
    platform.duringFork = () -> {
      forking.countDown();
      SimWorld.awaitParked(stopper, false, "awaitFork"); // the fork returns only once the stop waits for it
    };
    CompletableFuture<Void> start = startInBackground(r);
    assertTrue(forking.await(10, TimeUnit.SECONDS));
    assertEquals(Optional.of(TaskState.KILLED), r.stop(Duration.ofSeconds(10)));
    start.get(10, TimeUnit.SECONDS); // it had started the task
    assertEquals(1, platform.forks);
    assertEquals(TaskState.KILLED, w.lastRequest().terminal());
    assertEquals(Optional.of(new StatusResult(ExecutorState.KILLED, "Task killed.")), r.status());
  }

  @Test
  void aStopWhileStartPreparesKillsTheRunnerBeforeItStarts() throws Exception {
    ThermosTaskRunner r = runner();
    Thread stopper = Thread.currentThread();
    w.driver = stopper;
    CountDownLatch preparing = new CountDownLatch(1);
    platform.whilePreparing = () -> {
      preparing.countDown();
      SimWorld.awaitParked(stopper, false, "awaitFork");
    };
    CompletableFuture<Void> start = startInBackground(r);
    assertTrue(preparing.await(10, TimeUnit.SECONDS));
    assertEquals(Optional.empty(), r.stop(Duration.ofSeconds(10)), "nothing was launched");
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> start.get(10, TimeUnit.SECONDS));
    assertEquals("Task killed during initialization.", e.getCause().getMessage());
    assertEquals(List.of(TaskState.KILLED),
        w.requests.stream().map(SimWorld.Request::terminal).toList(), "passed on at the fork");
    assertEquals(1, sc.runner.destroys);
    assertTrue(w.isEmpty());
    assertEquals(Optional.of(new StatusResult(ExecutorState.KILLED,
        "Task killed during initialization.")), r.status());
  }

  @Test
  void aFailedForkLeavesNothingBehind() throws Exception {
    platform.forkFailure = new IOException("Cannot run program \"fake-runner\": error=2");
    platform.requester = new FileKillRequester(new TaskPath(dir.resolve("root")), "task-1",
        w.clock);
    ThermosTaskRunner r = runner();
    r.kill(); // so there is a kill request next to the checkpoint to remove as well
    TaskError e = assertThrows(TaskError.class, () -> r.start(G));
    assertTrue(e.getMessage().startsWith("cannot launch the runner of task task-1: Cannot run"),
        e.getMessage());
    assertEquals(1, platform.forks);
    assertFalse(Files.exists(dir.resolve("root")), "checkpoint root and kill request removed");
    assertFalse(Files.exists(dir.resolve("sandbox")), "sandbox and task.json removed");
    assertEquals(Optional.empty(), r.stop(Duration.ofSeconds(10)), "nothing was launched");
    r.lose();
    assertFalse(Files.exists(dir.resolve("root")), "nor written afterwards");
  }

  @Test
  void aFailedForkKeepsWhatWasThereBefore() throws Exception {
    Path sandbox = Files.createDirectories(dir.resolve("sandbox"));
    Files.writeString(sandbox.resolve("data"), "user data");
    Path other = Files.createDirectories(dir.resolve("root/checkpoints/other-task"));
    platform.forkFailure = new IOException("fork failed");
    assertThrows(TaskError.class, () -> started());
    assertEquals("user data", Files.readString(sandbox.resolve("data")));
    assertFalse(Files.exists(sandbox.resolve(".thermos_executor")), "the runner dir is removed");
    assertTrue(Files.isDirectory(other));
    assertFalse(Files.exists(dir.resolve("root/checkpoints/task-1")));
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
    w.after(Duration.ofSeconds(1), () -> w.write(TaskState.SUCCESS, 4242));
    w.after(Duration.ofSeconds(2), () -> sc.runner.die(Termination.exited(0)));
    List<Optional<StatusResult>> heard = new CopyOnWriteArrayList<>();
    CountDownLatch ended = new CountDownLatch(1);
    r.addListener(() -> {
      Optional<StatusResult> now = r.status();
      heard.add(now);
      if (now.isPresent()) {
        ended.countDown();
      }
    });
    assertTrue(ended.await(10, TimeUnit.SECONDS), "no listener heard of the end: " + heard);
    assertEquals(Optional.empty(), heard.get(0), "told at once, while the task runs");
    assertEquals(Optional.of(new StatusResult(ExecutorState.FINISHED, "Task finished.")),
        heard.get(heard.size() - 1));
  }

  @Test
  void closeStopsFollowingTheCheckpoint() throws Exception {
    ThermosTaskRunner r = started();
    r.close();
    assertTrue(w.checkpoint.closed);
    assertEquals(Map.of(), r.ports());
  }

  @Test
  void damageToAnAlreadyReadRecordIsALossNotAKill() throws Exception {
    ThermosTaskRunner r = started();
    w.damage = "corrupt checkpoint /root/checkpoints/task-1/runner at byte offset 12: CRC mismatch";
    TaskError e = assertThrows(TaskError.class, () -> r.stop(Duration.ofSeconds(10)));
    assertTrue(e.getMessage().contains("at byte offset 12"), e.getMessage());
    assertEquals(Optional.of(new StatusResult(ExecutorState.LOST,
        "Task checkpoint could not be read.")), r.status());
  }

  /** Starts {@code r} on another thread (whose waits leave the world to its driver). */
  private static CompletableFuture<Void> startInBackground(ThermosTaskRunner r) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        r.start(Duration.ofSeconds(600));
        done.complete(null);
      } catch (Throwable e) {
        done.completeExceptionally(e);
      }
    }, "start");
    t.setDaemon(true);
    t.start();
    return done;
  }
}
