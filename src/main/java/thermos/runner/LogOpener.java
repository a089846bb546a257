package thermos.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import thermos.ckpt.CheckpointDispatcher;
import thermos.ckpt.CheckpointLockedException;
import thermos.ckpt.CheckpointStateException;
import thermos.ckpt.CheckpointWriter;
import thermos.ckpt.CorruptCheckpointException;
import thermos.ckpt.LogReplay;
import thermos.ckpt.ReplayState;
import thermos.ckpt.States;
import thermos.proto.TaskState;

/**
 * Opens a task's log for its runner: refuses a finished task (105) before anything under the
 * root changes, takes the log's lock (103 if a live runner holds it, or the log is corrupt),
 * and replays it into the runner's state in recovery mode.
 */
final class LogOpener {
  private LogOpener() {}

  static RunnerLog open(RunnerConfig config, Sentinels sentinels, ReplayState state,
      CheckpointDispatcher dispatcher, boolean waitForLock, thermos.ckpt.Syncer syncer)
      throws RunnerException {
    Path checkpoint = config.checkpoint();
    RunnerLog log;
    try {
      if (!Files.exists(checkpoint) && sentinels.finishedExists()) {
        throw new RunnerException(RunnerException.TERMINAL_TASK, "task " + config.taskId()
            + " already finished (" + config.paths().finishedTaskFile(config.taskId())
            + " exists): task ids are not reused");
      }
      if (!sentinels.activeExists()) {
        // Refused before the log is opened: opening takes the lock and writes its holder into
        // the lock file, and nothing under the root may change.
        TaskState recorded = recordedState(checkpoint);
        if (recorded != null && States.isTerminal(recorded)) {
          throw new RunnerException(RunnerException.TERMINAL_TASK,
              "task " + config.taskId() + " is already " + recorded);
        }
      }
      Files.createDirectories(checkpoint.getParent());
      CheckpointWriter writer = CheckpointWriter.open(checkpoint,
          CheckpointWriter.Options.defaults().withWaitForLock(waitForLock).withSyncer(syncer),
          record -> dispatcher.dispatch(state, record.ckpt(), record.offset(), true));
      log = new RunnerLog(writer, state, dispatcher);
    } catch (CheckpointLockedException | CorruptCheckpointException e) {
      throw new RunnerException(RunnerException.UNKNOWN_ERROR, e.getMessage(), e);
    } catch (CheckpointStateException e) {
      throw new RunnerException(RunnerException.UNKNOWN_ERROR, e.inFile(checkpoint).getMessage(),
          e);
    } catch (IOException e) {
      throw new RunnerException(RunnerException.UNKNOWN_ERROR,
          "cannot open checkpoint " + checkpoint + ": " + e.getMessage(), e);
    }
    TaskState current = state.taskState();
    if (current != null && States.isTerminal(current)) {
      try {
        if (sentinels.activeExists()) {
          // A runner died between the terminal record and moving the sentinel: finish the job.
          sentinels.finish(config.taskJson());
        }
      } catch (IOException e) {
        closeQuietly(log);
        throw new RunnerException(RunnerException.UNKNOWN_ERROR, "task " + config.taskId()
            + " is already " + current + " but its sentinel cannot be moved to finished: "
            + e.getMessage(), e);
      }
      closeQuietly(log);
      throw new RunnerException(RunnerException.TERMINAL_TASK,
          "task " + config.taskId() + " is already " + current);
    }
    return log;
  }

  /** The task state an existing log records, read without opening it for writing; or null. */
  private static TaskState recordedState(Path checkpoint) {
    if (!Files.exists(checkpoint)) {
      return null;
    }
    try {
      return LogReplay.replay(checkpoint, false).state().taskState();
    } catch (IOException | RuntimeException e) {
      return null; // opening it says what is wrong
    }
  }

  private static void closeQuietly(RunnerLog log) {
    try {
      log.close();
    } catch (IOException e) {
      // the runner is refusing the task anyway
    }
  }
}
