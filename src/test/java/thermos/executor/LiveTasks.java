package thermos.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import thermos.ckpt.LogReplay;
import thermos.proto.ProcessState;
import thermos.runner.local.LocalProcessPlatform;
import thermos.runner.local.ProcInfo;
import thermos.runner.local.ProcTable;

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

  /** Live (non-zombie) processes carrying the task's marker. */
  static List<ProcInfo> processesOf(String taskId) {
    ProcTable procs = new ProcTable();
    return procs.all().stream().filter(ProcInfo::isAlive)
        .filter(p -> procs.hasEnvironment(p.pid(), LocalProcessPlatform.TASK_MARKER, taskId))
        .toList();
  }

  /** Live runner JVMs of the task (found by their command line). */
  static List<ProcInfo> runnersOf(String taskId) {
    ProcTable procs = new ProcTable();
    return procs.all().stream().filter(ProcInfo::isAlive).filter(p -> {
      try {
        String cmdline = Files.readString(Path.of("/proc", Integer.toString(p.pid()), "cmdline"),
            StandardCharsets.ISO_8859_1);
        return cmdline.contains("\0runner\0") && cmdline.contains("\0--task-id\0" + taskId + "\0");
      } catch (IOException e) {
        return false;
      }
    }).toList();
  }

  /** Waits until {@code condition} holds, failing with {@code what} after {@code timeout}. */
  static void await(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out after " + timeout.toMillis() + " ms waiting for " + what);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /**
   * Waits until the checkpoint shows {@code process} RUNNING: the runner has recorded all it will
   * until something happens to the task (a live process alone does not say that, since the
   * runner records RUNNING a moment after the process starts).
   */
  static void awaitRunning(ThermosTaskRunner r, String process) {
    Path log = r.paths().runnerCheckpoint(r.taskId());
    await(process + " RUNNING in " + log, Duration.ofSeconds(30), () -> {
      try {
        return Files.exists(log) && LogReplay.replay(log, false).state().latestState(process)
            == ProcessState.RUNNING;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /** The runner has exited and no process of the task is alive (zombies count as dead). */
  static void assertNothingLeft(ThermosTaskRunner r) {
    r.runner().ifPresent(runner -> {
      try {
        runner.onExit().get(30, TimeUnit.SECONDS);
      } catch (InterruptedException | ExecutionException | TimeoutException e) {
        fail("runner pid " + runner.pid() + " of " + r.taskId() + " did not exit: " + e);
      }
    });
    // SIGKILL is asynchronous: a killed process may take a moment to be gone.
    await("the processes of " + r.taskId() + " to be gone: " + processesOf(r.taskId()),
        Duration.ofSeconds(10), () -> processesOf(r.taskId()).isEmpty());
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
