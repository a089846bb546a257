package thermos.executor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import thermos.ckpt.TaskPath;
import thermos.config.Interpolation;
import thermos.config.InvalidTaskException;
import thermos.config.TaskConfig;
import thermos.config.TaskJson;
import thermos.config.TaskLoader;
import thermos.config.TaskValidator;
import thermos.config.ThermosContext;

/**
 * Everything {@link ThermosTaskRunner#start} checks and writes before it forks, so that bad
 * input is a clear {@link TaskError} with nothing started and nothing half-written.
 */
final class TaskSetup {
  private TaskSetup() {}

  /** Loads and validates the task exactly as the runner will (ports and bindings included). */
  static TaskConfig load(Path file, TaskConfig given, String taskId, Map<String, Integer> ports)
      throws TaskError {
    try {
      TaskConfig task = given != null ? given : TaskLoader.load(file);
      TaskValidator.validate(task);
      TaskValidator.validatePorts(task, ports);
      TaskConfig bound = Interpolation.bind(task,
          new ThermosContext(taskId, ports, System.getProperty("user.name")));
      List<String> unbound = Interpolation.unboundRefs(bound);
      if (!unbound.isEmpty()) {
        throw new InvalidTaskException("failed to interpolate task, missing: "
            + String.join(", ", unbound));
      }
      return task;
    } catch (NoSuchFileException e) {
      throw new TaskError("Failed to load task: task file " + file + " does not exist");
    } catch (IOException e) {
      throw new TaskError("Failed to load task: cannot read " + file + ": " + e.getMessage(), e);
    } catch (InvalidTaskException | IllegalArgumentException e) {
      throw new TaskError("Failed to load task: " + e.getMessage(), e);
    }
  }

  /** {@code dir} exists or can be created, and is writable; creates nothing. */
  static void requireWritableDir(Path dir, String what) throws TaskError {
    Path p = dir.toAbsolutePath().normalize();
    Path existing = p;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null || !Files.isDirectory(existing)) {
      throw new TaskError("cannot use " + what + " " + dir + ": " + existing
          + " is not a directory");
    }
    if (!Files.isWritable(existing)) {
      throw new TaskError("cannot use " + what + " " + dir + ": " + existing
          + " is not writable");
    }
  }

  static void createDir(Path dir, String what) throws TaskError {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new TaskError("cannot create " + what + " " + dir + ": " + e, e);
    }
  }

  /** The task id must not belong to a live runner or a task that is over. */
  static void checkTaskIdFree(ExecutorPlatform platform, TaskPath paths, String taskId,
      CheckpointSnapshot existing) throws TaskError {
    if (Files.exists(paths.finishedTaskFile(taskId)) || existing.isTerminal()) {
      throw new TaskError("task " + taskId + " already finished under " + paths.root()
          + ": task ids are not reused");
    }
    OptionalLong live = platform.liveRunner(paths, taskId);
    if (live.isPresent()) {
      throw new TaskError("task " + taskId + " is already being run by runner pid "
          + live.getAsLong() + " under " + paths.root());
    }
  }

  /** Writes the task as JSON, atomically (a reader never sees half a file). */
  static Path writeTaskJson(Path dir, TaskConfig task) throws TaskError {
    Path file = dir.resolve("task.json");
    Path tmp = dir.resolve(".task.json.tmp-" + ProcessHandle.current().pid());
    try {
      Files.writeString(tmp, TaskJson.toJson(task), StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return file;
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // nothing more to do
      }
      throw new TaskError("cannot write task JSON " + file + ": " + e, e);
    }
  }

  /** The {@code runner} command's arguments (DESIGN.md §6). */
  static List<String> runnerArgs(Path taskJson, TaskPath paths, Path sandbox, String taskId,
      Map<String, Integer> ports, Duration preemptionWait, Path processLogDir, String hostname,
      boolean preserveEnv) {
    List<String> args = new ArrayList<>(List.of("--task-json", taskJson.toString(),
        "--checkpoint-root", paths.root().toString(), "--sandbox", sandbox.toString(),
        "--task-id", taskId,
        "--preemption-wait", Double.toString(preemptionWait.toMillis() / 1000.0)));
    new TreeMap<>(ports).forEach((name, port) -> {
      args.add("--port");
      args.add(name + ":" + port);
    });
    if (processLogDir != null) {
      args.add("--log-dir");
      args.add(processLogDir.toString());
    }
    if (hostname != null) {
      args.add("--hostname");
      args.add(hostname);
    }
    if (preserveEnv) {
      args.add("--preserve-env");
    }
    return args;
  }

  /** The last non-blank line of a log file (read from its last 8 KiB), shortened. */
  static String lastLine(Path file) {
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "r")) {
      long len = f.length();
      int n = (int) Math.min(len, 8192);
      byte[] tail = new byte[n];
      f.seek(len - n);
      f.readFully(tail);
      String[] lines = new String(tail, StandardCharsets.UTF_8).split("\n");
      for (int i = lines.length - 1; i >= 0; i--) {
        String l = lines[i].strip();
        if (!l.isEmpty()) {
          return l.length() > 300 ? l.substring(0, 300) + "..." : l;
        }
      }
    } catch (IOException | RuntimeException e) {
      // no log
    }
    return "";
  }
}
