package thermos.executor;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import thermos.ckpt.CheckpointLockedException;
import thermos.ckpt.CheckpointWriter;
import thermos.ckpt.CorruptCheckpointException;
import thermos.ckpt.TaskPath;

/**
 * {@link TaskTakeover#discardUnlaunched} on the real file system. A runner writes its first
 * status, then the header, then the active sentinel, and only then launches: a dead runner that
 * left no sentinel launched nothing, and what it wrote says nothing about the task that is worth
 * keeping — a header-less log would otherwise stay ACTIVE forever.
 */
final class UnlaunchedTask {
  private static final Logger log = LoggerFactory.getLogger(UnlaunchedTask.class);

  private UnlaunchedTask() {}

  static boolean discard(TaskPath paths, String taskId) throws TaskError {
    if (Files.exists(paths.activeTaskFile(taskId))
        || Files.exists(paths.finishedTaskFile(taskId))) {
      return false;
    }
    Path checkpoint = paths.runnerCheckpoint(taskId);
    if (Files.exists(checkpoint)) {
      requireNoWriter(checkpoint, taskId);
    }
    try {
      Files.deleteIfExists(checkpoint);
      Files.deleteIfExists(CheckpointWriter.lockFileOf(checkpoint));
      Files.deleteIfExists(paths.killRequest(taskId));
    } catch (IOException e) {
      throw new TaskError("cannot remove what the runner of task " + taskId + " wrote before it"
          + " launched anything: " + e, e);
    }
    try {
      Files.deleteIfExists(paths.checkpointDir(taskId));
    } catch (DirectoryNotEmptyException e) {
      log.info("task {}: keeping {}: it holds other files", taskId, paths.checkpointDir(taskId));
    } catch (IOException e) {
      log.warn("task {}: cannot remove {}: {}", taskId, paths.checkpointDir(taskId), e.toString());
    }
    log.info("task {}: its runner died before launching anything; removed what it wrote", taskId);
    return true;
  }

  /** Takes and releases the log's lock: no live writer may be left to append to it. */
  private static void requireNoWriter(Path checkpoint, String taskId) throws TaskError {
    try {
      CheckpointWriter.open(checkpoint).close();
    } catch (CheckpointLockedException e) {
      throw new TaskError("cannot discard task " + taskId + ": its log is held by a live writer ("
          + e.getMessage() + ")", e);
    } catch (CorruptCheckpointException e) {
      // The lock was free (it is taken before the records are read); the content goes anyway.
    } catch (IOException e) {
      throw new TaskError("cannot discard task " + taskId + ": " + e.getMessage(), e);
    }
  }
}
