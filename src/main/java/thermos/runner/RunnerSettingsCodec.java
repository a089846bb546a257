package thermos.runner;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import thermos.ckpt.TaskPath;
import thermos.config.LoggerConfig;
import thermos.config.RotatePolicy;
import thermos.proto.RunnerHeader;
import thermos.proto.RunnerSettings;

/**
 * The runner settings recorded in the header, so whoever takes a task over launches its
 * finalizers exactly as the original runner would have (SEMANTICS.md difference 8). The PATH is
 * recorded; a preserved environment is not (it may hold secrets): it is kept in a side file
 * readable by its owner only ({@link PreservedEnvironment}).
 */
public final class RunnerSettingsCodec {
  private static final Logger log = LoggerFactory.getLogger(RunnerSettingsCodec.class);

  private RunnerSettingsCodec() {}

  static RunnerSettings encode(RunnerConfig config) {
    LoggerConfig logger = config.defaultLogger();
    RotatePolicy rotate = logger.effectiveRotate();
    RunnerSettings.Builder s = RunnerSettings.newBuilder()
        .setPreserveEnv(config.preserveEnv())
        .setLoggerDestination(logger.destination().jsonName())
        .setLoggerMode(logger.mode().jsonName())
        .setRotateLogSizeBytes(rotate.logSize())
        .setRotateLogBackups(rotate.backups())
        .setPreemptionWaitMs(config.preemptionWait().toMillis());
    String path = config.environment().get("PATH");
    if (path != null) {
      s.setPath(path);
    }
    return s.build();
  }

  /** The default logger recorded in {@code header}, or the Thermos defaults for legacy logs. */
  public static LoggerConfig logger(RunnerHeader header) {
    if (!header.hasSettings() || !header.getSettings().hasLoggerDestination()) {
      return LoggerConfig.defaults();
    }
    RunnerSettings s = header.getSettings();
    return new LoggerConfig(
        LoggerConfig.Destination.valueOf(s.getLoggerDestination().toUpperCase(Locale.ROOT)),
        LoggerConfig.Mode.valueOf(s.getLoggerMode().toUpperCase(Locale.ROOT)),
        new RotatePolicy(s.getRotateLogSizeBytes(), s.getRotateLogBackups()));
  }

  public static boolean preserveEnv(RunnerHeader header) {
    return header.hasSettings() && header.getSettings().getPreserveEnv();
  }

  public static Duration preemptionWait(RunnerHeader header) {
    return header.hasSettings() && header.getSettings().hasPreemptionWaitMs()
        ? Duration.ofMillis(header.getSettings().getPreemptionWaitMs())
        : RunnerConfig.DEFAULT_PREEMPTION_WAIT;
  }

  /**
   * The environment the task's processes were given: with preserve_env, the recorded one (side
   * file); else only the recorded PATH (the caller's, for logs that predate it). HOME, USER and
   * LOGNAME are set at launch either way.
   */
  public static Map<String, String> environment(RunnerHeader header, TaskPath paths,
      String taskId, Map<String, String> caller) {
    if (preserveEnv(header)) {
      Path file = PreservedEnvironment.fileOf(paths, taskId);
      try {
        return PreservedEnvironment.read(file);
      } catch (IOException e) {
        log.warn("task {} preserves its environment, but {} cannot be read ({}): its processes"
            + " get only PATH", taskId, file, e.toString());
      }
    }
    Map<String, String> env = new HashMap<>();
    String path = header.hasSettings() && header.getSettings().hasPath()
        ? header.getSettings().getPath() : caller.get("PATH");
    if (path != null) {
      env.put("PATH", path);
    }
    return env;
  }
}
