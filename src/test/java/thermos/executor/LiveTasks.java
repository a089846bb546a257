package thermos.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import thermos.monitor.DirectoryWatcher;
import thermos.monitor.TaskMonitor;
import thermos.proto.ProcessHistory;
import thermos.proto.ProcessState;

/** Real tasks run by real runner JVMs, for the integration tests. */
final class LiveTasks {
  static final String SUCCESS = task("ok", "echo ok");
  static final String FAILURE = task("fail", "echo failing >&2; exit 3");
  static final String SLEEP = task("sleepy", "sleep 1000");
  /** Ignores SIGTERM (so does its sleep: ignored signals stay ignored across exec); creates
   * {@code SANDBOX/trapped} once it does. */
  static final String IGNORES_TERM = task("stubborn", "trap '' TERM; touch trapped; sleep 1000");

  private static final AtomicInteger IDS = new AtomicInteger();
  /** Generous: a runner JVM may start slowly on a loaded machine; the test still waits only as
   * long as it must. */
  static final Duration START = Duration.ofSeconds(60);
  /** A runner JVM that has recorded the end exits at once; this allows for a loaded machine. */
  static final Duration RUNNER_EXIT = Duration.ofSeconds(10);

  final Path root;

  LiveTasks(Path root) {
    this.root = root;
  }

  static String task(String name, String cmdline) {
    return "{\"name\": \"" + name + "\", \"processes\": [{\"name\": \"" + name
        + "\", \"cmdline\": \"" + cmdline.replace("\\", "\\\\").replace("\"", "\\\"")
        + "\"}], \"finalization_wait\": 5}";
  }

  static Path jar() {
    Path jar = Path.of(System.getProperty("thermos.jar", "target/thermos.jar"));
    assertTrue(Files.isRegularFile(jar), "integration tests need " + jar
        + " (mvn verify builds it before the tests)");
    return jar;
  }

  static String newId(String prefix) {
    return prefix + "-" + ProcessHandle.current().pid() + "-" + IDS.incrementAndGet();
  }

  ThermosTaskRunnerBuilder builder(String taskJson, String id) {
    Path file = root.resolve("json").resolve(id + ".json");
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, taskJson, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return ThermosTaskRunner.builder(file, id, root.resolve("sandbox").resolve(id), root)
        .launcher(RunnerLauncher.defaults().withJar(jar()))
        .preemptionWait(Duration.ofSeconds(5)).stopTimeout(Duration.ofSeconds(30));
  }

  ThermosTaskRunner started(String taskJson, String id, Duration grace) throws Exception {
    ThermosTaskRunner r = builder(taskJson, id).preemptionWait(grace).build();
    r.start(START);
    return r;
  }

  /**
   * Waits, on directory events, until {@code file} exists — watching its deepest existing
   * ancestor, and deeper as directories appear.
   */
  static void awaitFile(Path file, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!Files.exists(file)) {
      Path dir = file.getParent();
      while (!Files.isDirectory(dir)) {
        dir = dir.getParent();
      }
      Semaphore changed = new Semaphore(0);
      try (DirectoryWatcher.Registration r = DirectoryWatcher.of(file.getFileSystem())
          .watch(dir, name -> changed.release())) {
        // Look again now that events are caught: it, or a directory on the way, may be there.
        Path deeper = file.getParent();
        while (!deeper.equals(dir) && !Files.isDirectory(deeper)) {
          deeper = deeper.getParent();
        }
        if (Files.exists(file) || !deeper.equals(dir)) {
          continue;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || !changed.tryAcquire(left, TimeUnit.NANOSECONDS)) {
          fail("timed out after " + timeout.toMillis() + " ms waiting for " + file);
        }
      }
    }
  }

  /**
   * Waits, on checkpoint events, until the checkpoint shows {@code process} RUNNING: the runner
   * has recorded all it will until something happens to the task (a live process alone does not
   * say that, since the runner records RUNNING a moment after the process starts).
   */
  static void awaitRunning(ThermosTaskRunner r, String process) throws InterruptedException {
    try (TaskMonitor monitor = new TaskMonitor(r.paths(), r.taskId())) {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (monitor.getState().getProcessesMap()
          .getOrDefault(process, ProcessHistory.getDefaultInstance()).getRunsList().stream()
          .noneMatch(run -> run.getState() == ProcessState.RUNNING)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          fail(process + " never RUNNING in " + monitor.checkpoint());
        }
        monitor.awaitChange(Duration.ofNanos(left));
      }
    }
  }

  /**
   * The runner has exited and no process of the task is alive — by its marker or by the session
   * of one of its coordinators (see {@link Leftovers}), zombies counting as gone.
   */
  static void assertNothingLeft(ThermosTaskRunner r) {
    assertNothingLeft(r, Set.of());
  }

  /** {@link #assertNothingLeft(ThermosTaskRunner)}, also checking {@code sessions}. */
  static void assertNothingLeft(ThermosTaskRunner r, Set<Integer> sessions) {
    r.runner().ifPresent(runner -> {
      try {
        runner.onExit().get(RUNNER_EXIT.toSeconds(), TimeUnit.SECONDS);
      } catch (InterruptedException | ExecutionException | TimeoutException e) {
        fail("runner pid " + runner.pid() + " of " + r.taskId() + " did not exit: " + e);
      }
    });
    Leftovers.assertNone(r.paths(), r.taskId(), sessions);
  }

  static void assertStatus(ThermosTaskRunner r, ExecutorState state, String reason) {
    assertEquals(new StatusResult(state, reason), r.status().orElse(null),
        "status of " + r.taskId());
  }

  static long ms(long sinceNanos) {
    return (System.nanoTime() - sinceNanos) / 1_000_000;
  }

  static Map<String, Integer> none() {
    return Map.of();
  }
}
