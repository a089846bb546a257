package thermos.runner.local;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import thermos.config.LoggerConfig;
import thermos.runner.LaunchException;

/**
 * Where a run's stdout and stderr go (SEMANTICS.md §1b.13). Set up before the coordinator
 * starts, which the user process inherits: the files opened in append mode for file/standard
 * (no pipe, nothing in between), the runner's own streams for console, /dev/null for none. For
 * both (tee) and rotate, the coordinator pipes each stream to a {@link LogPumpScript} pump.
 * The log directory and files are created before anything starts, so a log that cannot be
 * written is a failed launch, never a process blocked on a pipe nobody reads.
 */
final class ProcessOutput {
  private ProcessOutput() {}

  /**
   * Sets the coordinator's stdout/stderr and creates the run's log files.
   *
   * @return the pumps' mode, or null if the process writes to its destination directly
   * @throws LaunchException naming the directory or file that cannot be created
   */
  static LogPumpScript.Mode prepare(ProcessBuilder pb, Path logDir, LoggerConfig logger)
      throws LaunchException {
    boolean rotate = logger.mode() == LoggerConfig.Mode.ROTATE;
    switch (logger.destination()) {
      case CONSOLE -> {
        pb.redirectOutput(Redirect.INHERIT).redirectError(Redirect.INHERIT);
        return null;
      }
      case NONE -> {
        pb.redirectOutput(Redirect.DISCARD).redirectError(Redirect.DISCARD);
        return null;
      }
      case BOTH -> {
        // The pumps tee to the coordinator's streams: the runner's.
        createFiles(logDir, rotate);
        pb.redirectOutput(Redirect.INHERIT).redirectError(Redirect.INHERIT);
        return rotate ? LogPumpScript.Mode.TEE_ROTATE : LogPumpScript.Mode.TEE;
      }
      default -> {
        if (rotate) {
          createFiles(logDir, true);
          pb.redirectOutput(Redirect.DISCARD).redirectError(Redirect.DISCARD);
          return LogPumpScript.Mode.ROTATE;
        }
        // The files are opened (created) by ProcessBuilder.start, before the fork: see
        // launchFailure for its error.
        createDirectory(logDir);
        pb.redirectOutput(Redirect.appendTo(logDir.resolve("stdout").toFile()))
            .redirectError(Redirect.appendTo(logDir.resolve("stderr").toFile()));
        return null;
      }
    }
  }

  /**
   * The error for a coordinator that could not be started: a log file ProcessBuilder could not
   * open (it reports {@code FILE (REASON)} as a FileNotFoundException), else the start itself.
   */
  static LaunchException launchFailure(String process, IOException e) {
    if (e.getCause() instanceof java.io.FileNotFoundException f && f.getMessage() != null) {
      String what = f.getMessage().replaceFirst("^(.*) \\((.*)\\)$", "$1: $2");
      return new LaunchException("cannot open log file " + what, e);
    }
    return new LaunchException("cannot start " + process + ": " + e.getMessage(), e);
  }

  /** The log directory, and stdout/stderr in it: appended to, or truncated for rotate. */
  private static void createFiles(Path logDir, boolean truncate) throws LaunchException {
    createDirectory(logDir);
    OpenOption mode = truncate ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND;
    for (String name : new String[] {"stdout", "stderr"}) {
      Path file = logDir.resolve(name);
      try {
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode)
            .close();
      } catch (IOException e) {
        throw new LaunchException("cannot open log file " + file + ": " + reason(e, file), e);
      }
    }
  }

  /** Why {@code path} could not be created, naming the culprit if it is another file. */
  private static void createDirectory(Path logDir) throws LaunchException {
    try {
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new LaunchException(
          "cannot create log directory " + logDir + ": " + reason(e, logDir), e);
    }
  }

  private static String reason(IOException e, Path path) {
    String where = e instanceof FileSystemException f && f.getFile() != null
        && !f.getFile().equals(path.toString()) ? " (" + f.getFile() + ")" : "";
    if (e instanceof AccessDeniedException) {
      return "permission denied" + where;
    }
    if (e instanceof FileAlreadyExistsException) {
      return "not a directory" + where;
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or directory" + where;
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason() + where;
    }
    return e.getMessage();
  }
}
