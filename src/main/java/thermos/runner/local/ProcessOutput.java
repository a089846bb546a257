package thermos.runner.local;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import thermos.config.LoggerConfig;
import thermos.config.RotatePolicy;
import thermos.runner.LaunchRequest;

/**
 * Where a run's stdout and stderr go (SEMANTICS.md §1b.13). The coordinator's streams are set
 * up here and the user process inherits them: files opened in append mode for file/standard
 * (no pipe, nothing in between), the runner's own streams for console, /dev/null for none, and
 * pipes pumped by the runner for both (tee) and rotate.
 */
final class ProcessOutput {
  private static final Logger log = LoggerFactory.getLogger(ProcessOutput.class);

  private ProcessOutput() {}

  /** Sets the coordinator's stdout/stderr, which the user process inherits; true if piped. */
  static boolean redirect(ProcessBuilder pb, Path logDir, LoggerConfig logger)
      throws IOException {
    switch (logger.destination()) {
      case CONSOLE -> {
        pb.redirectOutput(Redirect.INHERIT).redirectError(Redirect.INHERIT);
        return false;
      }
      case NONE -> {
        pb.redirectOutput(Redirect.DISCARD).redirectError(Redirect.DISCARD);
        return false;
      }
      default -> {
        Files.createDirectories(logDir);
        if (logger.destination() == LoggerConfig.Destination.FILE
            && logger.mode() == LoggerConfig.Mode.STANDARD) {
          pb.redirectOutput(Redirect.appendTo(logDir.resolve("stdout").toFile()))
              .redirectError(Redirect.appendTo(logDir.resolve("stderr").toFile()));
          return false;
        }
        pb.redirectOutput(Redirect.PIPE).redirectError(Redirect.PIPE);
        return true;
      }
    }
  }

  /** Starts the stdout and stderr pumps of a piped run; returns their threads. */
  static java.util.List<Thread> startPumps(Process process, LaunchRequest request,
      LoggerConfig logger) {
    boolean both = logger.destination() == LoggerConfig.Destination.BOTH;
    String name = request.process() + "/" + request.run();
    try {
      return java.util.List.of(
          new LogPump(process.getInputStream(), fileSink(request.logDir().resolve("stdout"),
              logger), both ? System.out : null, name + "/stdout").start(),
          new LogPump(process.getErrorStream(), fileSink(request.logDir().resolve("stderr"),
              logger), both ? System.err : null, name + "/stderr").start());
    } catch (IOException e) {
      log.warn("cannot open logs of {}: {}", name, e.toString());
      return java.util.List.of();
    }
  }

  private static LogPump.Sink fileSink(Path file, LoggerConfig logger) throws IOException {
    if (logger.mode() == LoggerConfig.Mode.ROTATE) {
      RotatePolicy p = logger.effectiveRotate();
      return LogPump.Sink.of(new RotatingFile(file, p.logSize(), p.backups()));
    }
    return LogPump.Sink.of(new PrintStream(Files.newOutputStream(file,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND)));
  }

}
