package thermos.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import thermos.ckpt.LogReplay;
import thermos.ckpt.TaskPath;
import thermos.common.Clock;
import thermos.config.Interpolation;
import thermos.config.InvalidTaskException;
import thermos.config.TaskConfig;
import thermos.config.TaskJson;
import thermos.config.TaskLoader;
import thermos.config.TaskValidator;
import thermos.config.ThermosContext;
import thermos.proto.RunnerHeader;
import thermos.runner.local.ProcTable;

/**
 * Everything the runner checks before it touches the root: the user, the task id, the task
 * (loaded, validated, bound), and the settings — the command line's for a new task, the recorded
 * ones for a task that has a header (difference 8). Writes nothing.
 */
final class RunnerSetup {
  private RunnerSetup() {}

  static RunnerConfig configure(RunnerMain.Options o) throws RunnerException {
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
    // Absolute: coordinators run with the sandbox as cwd and append to files under the root.
    TaskPath paths = new TaskPath(o.checkpointRoot().toAbsolutePath());
    RunnerHeader header = recordedHeader(paths.runnerCheckpoint(taskId));
    Map<String, String> env = System.getenv();
    RecordedSettings s = header == null
        ? RecordedSettings.fresh(o, paths, taskId, user, ProcTable.currentUid(), env, hostname())
        : RecordedSettings.recorded(o, header, paths, taskId, env);
    try {
      TaskValidator.validatePorts(task, s.ports());
    } catch (InvalidTaskException e) {
      // Thermos exits INTERNAL_ERROR for ports the executor did not bind.
      throw new RunnerException(RunnerException.INTERNAL_ERROR, e.getMessage());
    }
    TaskConfig bound = Interpolation.bind(task, new ThermosContext(taskId, s.ports(), s.user()));
    List<String> unbound = Interpolation.unboundRefs(bound);
    if (!unbound.isEmpty()) {
      throw new RunnerException(RunnerException.INVALID_TASK,
          "failed to interpolate task, missing: " + String.join(", ", unbound));
    }
    checkSameTask(paths.activeTaskFile(taskId), bound);
    return new RunnerConfig(bound, TaskJson.toJson(bound), taskId, paths, s.sandbox(),
        s.logDir(), s.ports(), s.user(), s.uid(), s.hostname(), s.logger(), s.preserveEnv(),
        s.environment(), s.preemptionWait(), TaskPlanner.RUNNER_RUN_LIMIT,
        RunnerConfig.DEFAULT_LOST_TIMEOUT);
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

  /**
   * The header of an existing checkpoint, or null (none yet, or unreadable: opening the log
   * reports a corrupt one with its offset).
   */
  static RunnerHeader recordedHeader(Path checkpoint) {
    try {
      if (Files.exists(checkpoint)) {
        return LogReplay.replay(checkpoint, true).state().header();
      }
    } catch (IOException | RuntimeException e) {
      // opening it will say what is wrong
    }
    return null;
  }

  /** The task's launch time from an existing checkpoint's header, else now (seconds). */
  static double launchTime(Path checkpoint) {
    RunnerHeader h = recordedHeader(checkpoint);
    return h != null && h.hasLaunchTimeMs() ? h.getLaunchTimeMs() / 1000.0
        : Clock.SYSTEM.currentTimeSeconds();
  }

  private static String hostname() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
