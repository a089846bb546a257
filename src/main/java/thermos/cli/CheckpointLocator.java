package thermos.cli;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import thermos.ckpt.TaskPath;

/** Turns a {@code TASK_ID_OR_CHECKPOINT_FILE} argument into the log to read. */
final class CheckpointLocator {
  private CheckpointLocator() {}

  static Path locate(TaskPath paths, String arg) {
    Path asFile = null;
    try {
      asFile = Path.of(arg);
    } catch (InvalidPathException e) {
      // not a path; maybe a task id
    }
    if (asFile != null && Files.isRegularFile(asFile)) {
      return readable(asFile);
    }
    if (TaskPath.isValidComponent(arg)) {
      Path log = paths.runnerCheckpoint(arg);
      if (Files.isRegularFile(log)) {
        return readable(log);
      }
    }
    if (asFile != null && Files.isDirectory(asFile)) {
      throw new CliException(ExitCodes.NOT_FOUND, asFile + " is a directory, not a checkpoint file");
    }
    throw new CliException(ExitCodes.NOT_FOUND, "no checkpoint file '" + arg + "' and no task '"
        + arg + "' under " + paths.root());
  }

  private static Path readable(Path file) {
    if (!Files.isReadable(file)) {
      throw new CliException(ExitCodes.IO_ERROR, "cannot read " + file + ": permission denied");
    }
    return file;
  }
}
