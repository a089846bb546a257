package thermos.ckpt;

import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Where a task's files live under a checkpoint root (DESIGN.md §2, Thermos' layout):
 *
 * <pre>
 * ROOT/checkpoints/TASK_ID/runner               the runner's checkpoint log
 * ROOT/checkpoints/TASK_ID/runner.lock          its writer lock (sidecar)
 * ROOT/checkpoints/TASK_ID/coordinator.PROCESS  legacy per-process logs
 * ROOT/checkpoints/TASK_ID/kill                 a pending kill/lose request
 * ROOT/tasks/active/TASK_ID, tasks/finished/TASK_ID   the interpolated task JSON (sentinel)
 * LOG_DIR/PROCESS/RUN/stdout, stderr            process logs (LOG_DIR = SANDBOX/.logs)
 * </pre>
 *
 * Task ids and process names become file names, so they are validated on the way in.
 */
public final class TaskPath {
  /** The two places a task's JSON sentinel can be. */
  public enum TaskFileState {
    ACTIVE("active"),
    FINISHED("finished");

    private final String dir;

    TaskFileState(String dir) {
      this.dir = dir;
    }

    public String dirName() {
      return dir;
    }
  }

  public static final String RUNNER_CHECKPOINT = "runner";
  public static final String COORDINATOR_PREFIX = "coordinator.";
  public static final String KILL_REQUEST = "kill";
  public static final String DEFAULT_LOG_DIR = ".logs";

  private final Path root;

  public TaskPath(Path root) {
    this.root = Objects.requireNonNull(root, "root");
  }

  public Path root() {
    return root;
  }

  public Path checkpointsDir() {
    return root.resolve("checkpoints");
  }

  public Path checkpointDir(String taskId) {
    return checkpointsDir().resolve(validTaskId(taskId));
  }

  public Path runnerCheckpoint(String taskId) {
    return checkpointDir(taskId).resolve(RUNNER_CHECKPOINT);
  }

  public Path processCheckpoint(String taskId, String process) {
    return checkpointDir(taskId).resolve(COORDINATOR_PREFIX + validProcessName(process));
  }

  public Path killRequest(String taskId) {
    return checkpointDir(taskId).resolve(KILL_REQUEST);
  }

  public Path tasksDir(TaskFileState state) {
    return root.resolve("tasks").resolve(state.dirName());
  }

  public Path taskFile(TaskFileState state, String taskId) {
    return tasksDir(state).resolve(validTaskId(taskId));
  }

  public Path activeTaskFile(String taskId) {
    return taskFile(TaskFileState.ACTIVE, taskId);
  }

  public Path finishedTaskFile(String taskId) {
    return taskFile(TaskFileState.FINISHED, taskId);
  }

  /** {@code LOG_DIR/PROCESS/RUN}: where one run's stdout and stderr go. */
  public static Path processLogDir(Path logDir, String process, int run) {
    if (run < 0) {
      throw new IllegalArgumentException("invalid run number " + run + ": must be >= 0");
    }
    return logDir.resolve(validProcessName(process)).resolve(Integer.toString(run));
  }

  /** The default log directory of a sandbox: {@code SANDBOX/.logs}. */
  public static Path defaultLogDir(Path sandbox) {
    return sandbox.resolve(DEFAULT_LOG_DIR);
  }

  /** {@code $THERMOS_ROOT}, else {@code ~/.thermos}. */
  public static Path defaultRoot() {
    return defaultRoot(System.getenv(), System.getProperty("user.home"), FileSystems.getDefault());
  }

  static Path defaultRoot(Map<String, String> env, String home, FileSystem fs) {
    String configured = env.get("THERMOS_ROOT");
    if (configured != null && !configured.isBlank()) {
      return fs.getPath(configured);
    }
    return fs.getPath(home, ".thermos");
  }

  /** Returns {@code id} if it is a usable task id, else throws saying why not. */
  public static String validTaskId(String id) {
    return validComponent("task id", id);
  }

  /** Returns {@code name} if it is a usable process name ({@code ^[^./][^/]*$}). */
  public static String validProcessName(String name) {
    return validComponent("process name", name);
  }

  /** True if {@code s} is usable as a task id or process name. */
  public static boolean isValidComponent(String s) {
    return problemWith(s) == null;
  }

  private static String validComponent(String what, String s) {
    String problem = problemWith(s);
    if (problem != null) {
      throw new IllegalArgumentException("invalid " + what + " "
          + (s == null ? "(null)" : "'" + s + "'") + ": " + problem);
    }
    return s;
  }

  private static String problemWith(String s) {
    if (s == null || s.isEmpty()) {
      return "must not be empty";
    }
    if (s.startsWith(".")) {
      return "must not start with '.'";
    }
    if (s.indexOf('/') >= 0) {
      return "must not contain '/'";
    }
    if (s.indexOf('\0') >= 0) {
      return "must not contain a NUL character";
    }
    return null;
  }
}
