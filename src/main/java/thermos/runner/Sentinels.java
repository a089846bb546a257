package thermos.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import thermos.ckpt.TaskPath;

/** The {@code tasks/active/ID} → {@code tasks/finished/ID} sentinel files. */
final class Sentinels {
  private final TaskPath paths;
  private final String taskId;

  Sentinels(TaskPath paths, String taskId) {
    this.paths = paths;
    this.taskId = taskId;
  }

  boolean finishedExists() {
    return Files.exists(paths.finishedTaskFile(taskId));
  }

  boolean activeExists() {
    return Files.exists(paths.activeTaskFile(taskId));
  }

  /** Writes the interpolated task JSON as {@code tasks/active/ID}, atomically. */
  void writeActive(String taskJson) throws IOException {
    Path active = paths.activeTaskFile(taskId);
    Files.createDirectories(active.getParent());
    Path tmp = active.resolveSibling("." + taskId + ".tmp-" + ProcessHandle.current().pid());
    Files.writeString(tmp, taskJson, StandardCharsets.UTF_8);
    Files.move(tmp, active, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Moves the sentinel to {@code tasks/finished/ID} and touches it. */
  void finish(String taskJson) throws IOException {
    Path active = paths.activeTaskFile(taskId);
    Path finished = paths.finishedTaskFile(taskId);
    Files.createDirectories(finished.getParent());
    if (Files.exists(active)) {
      Files.move(active, finished, StandardCopyOption.ATOMIC_MOVE);
    } else if (!Files.exists(finished)) {
      Files.writeString(finished, taskJson, StandardCharsets.UTF_8);
    }
    Files.setLastModifiedTime(finished, FileTime.fromMillis(System.currentTimeMillis()));
  }
}
