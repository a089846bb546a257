package thermos.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.config.ProcessConfig;
import thermos.config.TaskConfig;
import thermos.proto.TaskState;
import thermos.runner.Termination;

/** HTTP lifecycle teardown over a ThermosTaskRunner, on a fake clock and platform. */
class HttpLifecycleTest {
  private static final TaskConfig SERVER = TaskConfig.of("server",
      List.of(ProcessConfig.of("serve", "serve --port {{thermos.ports[health]}}")), List.of());
  private static final Duration GRACE = Duration.ofSeconds(1);

  @TempDir Path dir;
  private final Scenario sc = new Scenario(false);
  private final SimWorld w = sc.w;
  private final FakeExecutorPlatform platform = new FakeExecutorPlatform(sc);
  /** Each POST: (endpoint, time in ms since the stop began). */
  private final List<String> posts = new ArrayList<>();
  private long stopStart;

  private ThermosTaskRunner runner(Map<String, Integer> ports) {
    return ThermosTaskRunner.builder(SERVER, "srv", dir.resolve("sb"), dir.resolve("root"))
        .ports(ports).preemptionWait(GRACE).stopTimeout(Duration.ofSeconds(30))
        .platform(platform).clock(w.clock)
        .launcher(RunnerLauncher.ofCommand(List.of("fake"))).build();
  }

  /** A signaler on the fake clock: each request costs 2 ms; {@code onPost} reacts to it. */
  private HttpSignaler signaler(boolean delivered, Runnable onQuit) {
    return (host, port, endpoint, timeout) -> {
      assertEquals("localhost", host);
      assertEquals(31337, port);
      w.runUntil(w.now() + Math.min(timeout.toNanos(), 2_000_000));
      posts.add(endpoint + "@" + (w.now() - stopStart) / 1_000_000);
      if (delivered && endpoint.equals("/quitquitquit")) {
        onQuit.run();
      }
      return delivered;
    };
  }

  private TaskLifecycle started(HttpSignaler signaler) throws Exception {
    TaskLifecycle t = HttpLifecycleManager.wrap(runner(Map.of("health", 31337)),
        HttpLifecycleManager.Config.defaults().withRequestTimeout(Duration.ofSeconds(1)),
        signaler, w.clock);
    t.start(Duration.ofSeconds(10));
    stopStart = w.now();
    return t;
  }

  /** The task's server exits 0 on /quitquitquit after 40 ms: the task succeeds. */
  private void exitsCleanlyOnQuit() {
    w.after(Duration.ofMillis(40), () -> {
      w.write(TaskState.SUCCESS, (int) Scenario.RUNNER_PID);
      w.after(Duration.ofMillis(10), () -> sc.runner.die(Termination.exited(0)));
    });
  }

  @Test
  void deliveredAndTheTaskExitsEarly() throws Exception {
    TaskLifecycle t = started(signaler(true, this::exitsCleanlyOnQuit));
    assertEquals(Optional.of(TaskState.SUCCESS), t.stop(Duration.ofSeconds(30)));
    assertEquals(List.of("/quitquitquit@2"), posts, "no abort: the wait ended early");
    assertEquals(42, (w.now() - stopStart) / 1_000_000);
    assertEquals(0, w.requests.size(), "no kill for a task that ended");
  }

  @Test
  void deliveredButIgnoredWaitsEachEndpointThenKills() throws Exception {
    TaskLifecycle t = started(signaler(true, () -> {}));
    assertEquals(Optional.of(TaskState.KILLED), t.stop(Duration.ofSeconds(30)));
    assertEquals(List.of("/quitquitquit@2", "/abortabortabort@5004"), posts);
    assertEquals(1, w.requests.size());
    assertEquals(GRACE, w.requests.get(0).grace());
    assertEquals(10_004 + 12, (w.now() - stopStart) / 1_000_000);
  }

  @Test
  void notDeliveredMovesOnAtOnce() throws Exception {
    TaskLifecycle t = started(signaler(false, () -> {}));
    assertEquals(Optional.of(TaskState.KILLED), t.stop(Duration.ofSeconds(30)));
    assertEquals(List.of("/quitquitquit@2", "/abortabortabort@4"), posts);
    assertEquals(4 + 12, (w.now() - stopStart) / 1_000_000);
  }

  @Test
  void theStopDeadlineHoldsAndTheGraceIsKept() throws Exception {
    sc.ignoreTerm = true;
    TaskLifecycle t = started(signaler(true, () -> {}));
    // 1 s grace + 2 s slack + 1 ms: the HTTP phase may only spend the 3 s beyond that.
    Duration timeout = t.minimumStopTimeout().plus(Duration.ofSeconds(3));
    assertEquals(Optional.of(TaskState.KILLED), t.stop(timeout));
    assertEquals(List.of("/quitquitquit@2"), posts, "the 5 s wait was cut to the 3 s left");
    assertEquals(GRACE, w.requests.get(0).grace(), "the kill kept its whole grace");
    assertTrue(w.now() - stopStart <= timeout.toNanos());
    assertEquals(3000 + 1000 + 2, (w.now() - stopStart) / 1_000_000);
  }

  @Test
  void aTooShortStopSkipsTheHttpPhase() throws Exception {
    TaskLifecycle t = started(signaler(true, () -> {}));
    assertEquals(Optional.of(TaskState.KILLED), t.stop(Duration.ofMillis(2500)));
    assertEquals(List.of(), posts);
    assertEquals(Duration.ofMillis(499), w.requests.get(0).grace(), "clamped");
  }

  @Test
  void aTaskAlreadyOverIsNotAsked() throws Exception {
    TaskLifecycle t = started(signaler(true, () -> {}));
    w.write(TaskState.FAILED, (int) Scenario.RUNNER_PID);
    assertEquals(Optional.of(TaskState.FAILED), t.stop(Duration.ofSeconds(30)));
    assertEquals(List.of(), posts);
  }

  @Test
  void noLifecyclePortNoWrapping() {
    ThermosTaskRunner r = ThermosTaskRunner.builder(TaskConfig.of("x",
        List.of(ProcessConfig.of("p", "true")), List.of()), "x", dir, dir).build();
    assertSame(r, HttpLifecycleManager.wrap(r, HttpLifecycleManager.Config.defaults()));
  }

  @Test
  void configurablePortName() {
    ThermosTaskRunner r = runner(Map.of("health", 1, "admin", 2));
    TaskLifecycle t = HttpLifecycleManager.wrap(r,
        HttpLifecycleManager.Config.defaults().withPortName("admin"));
    assertTrue(t instanceof HttpLifecycleManager);
    assertSame(r, HttpLifecycleManager.wrap(r,
        HttpLifecycleManager.Config.defaults().withPortName("none")));
  }

  @Test
  void stopBeforeStart() {
    TaskLifecycle t = HttpLifecycleManager.wrap(runner(Map.of("health", 31337)),
        HttpLifecycleManager.Config.defaults(), signaler(true, () -> {}), w.clock);
    TaskError e = assertThrows(TaskError.class, () -> t.stop(Duration.ofSeconds(30)));
    assertEquals("Failed to call TaskRunner.start.", e.getMessage());
    assertEquals(List.of(), posts);
  }
}
