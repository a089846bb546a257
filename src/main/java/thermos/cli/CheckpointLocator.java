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
    String invalidId = null;
    try {
      Path log = paths.runnerCheckpoint(TaskPath.validTaskId(arg));
      if (Files.isRegularFile(log)) {
        return readable(log);
      }
      if (Files.exists(log)) {
        throw notAFile(log);
      }
    } catch (IllegalArgumentException e) {
      invalidId = e.getMessage();
    }
    if (asFile != null && Files.exists(asFile)) {
      throw notAFile(asFile);
    }
    if (invalidId != null) {
      // Not a file, and it cannot be a task id: say why, rather than "no task '../x'".
      throw new CliException(ExitCodes.NOT_FOUND, "no checkpoint file '" + arg
          + "', and it is not a task id either: " + invalidId);
    }
    throw new CliException(ExitCodes.NOT_FOUND, "no checkpoint file '" + arg + "' and no task '"
        + arg + "' under " + paths.root());
  }

  /** Something is there but cannot be read as a log (a directory, a device): exit 5. */
  private static CliException notAFile(Path p) {
    return new CliException(ExitCodes.IO_ERROR, "cannot read " + p + ": "
        + (Files.isDirectory(p) ? "a directory" : "not a regular file") + ", not a checkpoint file");
  }

  private static Path readable(Path file) {
    if (!Files.isReadable(file)) {
      throw new CliException(ExitCodes.IO_ERROR, "cannot read " + file + ": permission denied");
    }
    return file;
  }
}
