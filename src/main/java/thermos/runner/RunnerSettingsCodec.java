package thermos.runner;

import java.time.Duration;
import java.util.Locale;
import thermos.config.LoggerConfig;
import thermos.config.RotatePolicy;
import thermos.proto.RunnerHeader;
import thermos.proto.RunnerSettings;

/**
 * The runner settings recorded in the header, so whoever takes a task over launches its
 * finalizers exactly as the original runner would have (SEMANTICS.md difference 8).
 */
public final class RunnerSettingsCodec {
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
    if (config.preserveEnv()) {
      s.putAllEnvironment(config.environment());
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
}
