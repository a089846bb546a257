package thermos.runner.local;

import java.io.IOException;
import java.nio.file.Files;
import thermos.ckpt.LogReplay;
import thermos.ckpt.TaskPath;
import thermos.proto.RunnerHeader;

/** The uid a task's header records: whose processes are the task's. */
final class TaskOwner {
  private TaskOwner() {}

  /** The recorded uid, or null if the task has no header (yet) or it has no uid. */
  static Integer recordedUid(TaskPath paths, String taskId) {
    try {
      if (Files.exists(paths.runnerCheckpoint(taskId))) {
        RunnerHeader h = LogReplay.replay(paths.runnerCheckpoint(taskId), true).state().header();
        if (h != null && h.hasUid()) {
          return h.getUid();
        }
      }
    } catch (IOException | RuntimeException e) {
      // unreadable: the caller's own uid is the best guess left
    }
    return null;
  }
}
