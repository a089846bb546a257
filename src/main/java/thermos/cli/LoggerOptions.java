package thermos.cli;

import java.util.Locale;
import picocli.CommandLine.Option;
import thermos.config.LoggerConfig;
import thermos.config.RotatePolicy;

/** The runner's default process logger flags (Thermos' --process_logger_* and --rotate_*). */
public final class LoggerOptions {
  @Option(names = "--process-logger-destination", paramLabel = "file|console|both|none",
      description = "Where output of processes without a logger goes (default: file).")
  String destination = "file";

  @Option(names = "--process-logger-mode", paramLabel = "standard|rotate",
      description = "Log mode for processes without a logger (default: standard).")
  String mode = "standard";

  @Option(names = "--rotate-log-size-mb", paramLabel = "MB",
      description = "Rotate at this many MiB (mode rotate; default 100).")
  Integer rotateSizeMb;

  @Option(names = "--rotate-log-backups", paramLabel = "N",
      description = "Rotated files to keep (mode rotate; default 5).")
  Integer rotateBackups;

  public LoggerConfig logger() {
    LoggerConfig.Destination d = parse(LoggerConfig.Destination.class, destination,
        "--process-logger-destination");
    LoggerConfig.Mode m = parse(LoggerConfig.Mode.class, mode, "--process-logger-mode");
    long size = rotateSizeMb == null ? RotatePolicy.DEFAULT_LOG_SIZE : rotateSizeMb * 1024L * 1024L;
    int backups = rotateBackups == null ? RotatePolicy.DEFAULT_BACKUPS : rotateBackups;
    if (size <= 0 || backups <= 0) {
      throw new CliException(ExitCodes.USAGE,
          "--rotate-log-size-mb and --rotate-log-backups must be positive");
    }
    return new LoggerConfig(d, m, new RotatePolicy(size, backups));
  }

  private static <E extends Enum<E>> E parse(Class<E> type, String value, String flag) {
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.USAGE, flag + ": unknown value '" + value + "'");
    }
  }
}
