package thermos.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import thermos.ckpt.CheckpointWriter;
import thermos.ckpt.LogReplay;
import thermos.ckpt.TaskPath;
import thermos.ckpt.UniversalStateHandler;
import thermos.common.Clock;
import thermos.config.Interpolation;
import thermos.config.InvalidTaskException;
import thermos.config.LoggerConfig;
import thermos.config.TaskConfig;
import thermos.config.TaskJson;
import thermos.config.TaskLoader;
import thermos.config.TaskValidator;
import thermos.config.ThermosContext;
import thermos.proto.RunnerHeader;
import thermos.proto.TaskState;
import thermos.runner.local.LocalProcessPlatform;
import thermos.runner.local.ProcTable;

/**
 * The runner's entry point (the {@code runner} command, and {@code run} in the foreground):
 * validates and binds the task, takes the checkpoint (over a live runner with {@code force}),
 * runs the task to a terminal state, and says how it went as an exit code (DESIGN.md §4).
 */
public final class RunnerMain {
  private static final Logger log = LoggerFactory.getLogger(RunnerMain.class);

  /** The runner's flags. */
  public record Options(Path taskJson, Path checkpointRoot, Path sandbox, String taskId,
      Map<String, Integer> ports, Duration preemptionWait, Path logDir, String hostname,
      boolean preserveEnv, boolean force, LoggerConfig defaultLogger) {}

  private RunnerMain() {}

  /**
   * Runs the task in this JVM and returns the runner exit code: 0 terminal state reached, 101
   * internal error, 102 invalid task, 103 unknown error (e.g. the log is locked), 104 unknown
   * user, 105 task already terminal.
   *
   * @param listener told of every transition this runner writes (may be null)
   * @param started called once the runner is running, with a handle to kill it
   */
  public static int run(Options o, UniversalStateHandler listener,
      java.util.function.Consumer<TaskRunner> started) {
    // Spawning is ~40% cheaper with vfork; must be set before the first process starts.
    System.setProperty("jdk.lang.Process.launchMechanism", "VFORK");
    TaskRunner runner = null;
    LocalProcessPlatform platform = null;
    try {
      RunnerConfig config = configure(o);
      TaskPath paths = config.paths();
      platform = new LocalProcessPlatform(paths, config.taskId(), Clock.SYSTEM,
          launchTime(paths.runnerCheckpoint(config.taskId())), config.uid());
      runner = o.force() ? Takeover.openForcibly(config, platform)
          : TaskRunner.open(config, Clock.SYSTEM, platform);
      if (listener != null) {
        runner.addListener(listener);
      }
      // Handle SIGUSR1/SIGUSR2 before the first status announces this runner's pid: whoever
      // reads that pid may signal it at once, and an unhandled SIGUSR1 kills the JVM.
      try (KillWatch watch = KillWatch.install(runner, paths.killRequest(config.taskId()),
          config.preemptionWait())) {
        runner.start();
        if (started != null) {
          started.accept(runner);
        }
        TaskState end = runner.run();
        log.info("task {} finished: {} ({})", config.taskId(), end, ResourceUsage.describe());
      }
      return 0;
    } catch (RunnerException e) {
      log.error("{}", e.getMessage());
      return e.exitCode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.error("runner interrupted");
      return RunnerException.INTERNAL_ERROR;
    } catch (IOException | RuntimeException e) {
      log.error("internal error: {}", e.toString(), e);
      return RunnerException.INTERNAL_ERROR;
    } finally {
      if (runner != null) {
        runner.close();
      }
      if (platform != null) {
        platform.close();
      }
    }
  }

  /** Everything that can be checked before touching the checkpoint. */
  static RunnerConfig configure(Options o) throws RunnerException {
    String user = System.getProperty("user.name");
    if (user == null || user.isBlank() || user.equals("?")) {
      throw new RunnerException(RunnerException.UNKNOWN_USER,
          "unknown user: uid " + ProcTable.currentUid() + " has no passwd entry");
    }
    String taskId;
    try {
      taskId = TaskPath.validTaskId(o.taskId());
    } catch (IllegalArgumentException e) {
      throw new RunnerException(RunnerException.INVALID_TASK, e.getMessage());
    }
    TaskConfig task = loadTask(o.taskJson());
    try {
      TaskValidator.validatePorts(task, o.ports());
    } catch (InvalidTaskException e) {
      // Thermos exits INTERNAL_ERROR for ports the executor did not bind.
      throw new RunnerException(RunnerException.INTERNAL_ERROR, e.getMessage());
    }
    TaskConfig bound = Interpolation.bind(task, new ThermosContext(taskId, o.ports(), user));
    List<String> unbound = Interpolation.unboundRefs(bound);
    if (!unbound.isEmpty()) {
      throw new RunnerException(RunnerException.INVALID_TASK,
          "failed to interpolate task, missing: " + String.join(", ", unbound));
    }
    String taskJson = TaskJson.toJson(bound);
    // Absolute: coordinators run with the sandbox as cwd and append to files under the root.
    TaskPath paths = new TaskPath(o.checkpointRoot().toAbsolutePath());
    checkSameTask(paths.activeTaskFile(taskId), bound);
    Path sandbox = o.sandbox().toAbsolutePath();
    try {
      Files.createDirectories(sandbox);
    } catch (IOException e) {
      throw new RunnerException(RunnerException.UNKNOWN_ERROR,
          "cannot create sandbox " + sandbox + ": " + e);
    }
    Path logDir = o.logDir() != null ? o.logDir().toAbsolutePath()
        : TaskPath.defaultLogDir(sandbox);
    return new RunnerConfig(bound, taskJson, taskId, paths, sandbox, logDir, o.ports(), user,
        ProcTable.currentUid(), o.hostname() != null ? o.hostname() : hostname(),
        o.defaultLogger() != null ? o.defaultLogger() : LoggerConfig.defaults(), o.preserveEnv(),
        System.getenv(), o.preemptionWait() != null ? o.preemptionWait()
            : RunnerConfig.DEFAULT_PREEMPTION_WAIT,
        TaskPlanner.RUNNER_RUN_LIMIT, RunnerConfig.DEFAULT_LOST_TIMEOUT);
  }

  private static TaskConfig loadTask(Path file) throws RunnerException {
    try {
      TaskConfig task = TaskLoader.load(file);
      TaskValidator.validate(task);
      return task;
    } catch (NoSuchFileException e) {
      throw new RunnerException(RunnerException.INVALID_TASK, "task file " + file
          + " does not exist");
    } catch (IOException e) {
      throw new RunnerException(RunnerException.INVALID_TASK, "cannot read task file " + file
          + ": " + e.getMessage());
    } catch (InvalidTaskException e) {
      throw new RunnerException(RunnerException.INVALID_TASK, e.getMessage());
    }
  }

  /** Thermos' assert_same_task: a resumed task must be the task it was. */
  private static void checkSameTask(Path active, TaskConfig bound) throws RunnerException {
    if (!Files.exists(active)) {
      return;
    }
    try {
      TaskConfig onDisk = TaskLoader.parse(Files.readString(active, StandardCharsets.UTF_8),
          active.toString());
      if (!onDisk.equals(bound)) {
        throw new RunnerException(RunnerException.INVALID_TASK,
            "task differs from the copy in " + active);
      }
    } catch (IOException | InvalidTaskException e) {
      throw new RunnerException(RunnerException.INVALID_TASK,
          "cannot read the task's copy " + active + ": " + e.getMessage());
    }
  }

  /** The task's launch time from an existing checkpoint's header, else now (seconds). */
  static double launchTime(Path checkpoint) {
    try {
      if (Files.exists(checkpoint)) {
        RunnerHeader h = LogReplay.replay(checkpoint, true).state().header();
        if (h != null && h.hasLaunchTimeMs()) {
          return h.getLaunchTimeMs() / 1000.0;
        }
      }
    } catch (IOException e) {
      // fall back to now
    }
    return Clock.SYSTEM.currentTimeSeconds();
  }

  private static String hostname() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  /** The lock file of a checkpoint (for messages). */
  static Path lockOf(Path checkpoint) {
    return CheckpointWriter.lockFileOf(checkpoint);
  }
}
