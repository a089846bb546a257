package thermos.runner;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import thermos.ckpt.TaskPath;
import thermos.config.LoggerConfig;
import thermos.proto.RunnerHeader;

/**
 * The settings a runner runs a task with. A new task takes them from the command line; a task
 * that already has a header (a restart, or {@code --force}) keeps what it recorded (difference
 * 8): its processes, finalizers included, must run as they were set up to.
 *
 * <p>A command line that contradicts the recorded sandbox, log directory or ports is refused
 * (exit 103, naming the flag): processes would otherwise run elsewhere, or against other ports,
 * than those already running. Other flags that differ (preserve-env, logger, preemption wait,
 * hostname) are ignored with a one-line warning: the recorded value is kept.
 */
record RecordedSettings(Path sandbox, Path logDir, Map<String, Integer> ports, String user,
    Integer uid, String hostname, LoggerConfig logger, boolean preserveEnv,
    Map<String, String> environment, Duration preemptionWait) {
  private static final Logger log = LoggerFactory.getLogger(RecordedSettings.class);

  /** A new task: the command line, with its defaults. */
  static RecordedSettings fresh(RunnerMain.Options o, TaskPath paths, String taskId, String user,
      int uid, Map<String, String> environment, String hostname) {
    Path sandbox = o.sandbox() != null ? o.sandbox().toAbsolutePath()
        : defaultSandbox(paths, taskId);
    return new RecordedSettings(sandbox,
        o.logDir() != null ? o.logDir().toAbsolutePath() : TaskPath.defaultLogDir(sandbox),
        o.ports(), user, uid, o.hostname() != null ? o.hostname() : hostname,
        o.defaultLogger() != null ? o.defaultLogger() : LoggerConfig.defaults(), o.preserveEnv(),
        environment, o.preemptionWait() != null ? o.preemptionWait()
            : RunnerConfig.DEFAULT_PREEMPTION_WAIT);
  }

  /** {@code run}'s sandbox when none is given: {@code ROOT/sandbox/ID}. */
  static Path defaultSandbox(TaskPath paths, String taskId) {
    return paths.root().resolve("sandbox").resolve(taskId);
  }

  /**
   * A task with a header: what it recorded, checked against the command line.
   *
   * @throws RunnerException 103 if the command line contradicts the sandbox, log dir or ports
   */
  static RecordedSettings recorded(RunnerMain.Options o, RunnerHeader h, TaskPath paths,
      String taskId, Map<String, String> callerEnvironment) throws RunnerException {
    Path sandbox = Path.of(h.getSandbox());
    Path logDir = h.hasLogDir() ? Path.of(h.getLogDir()) : TaskPath.defaultLogDir(sandbox);
    Map<String, Integer> ports = new HashMap<>();
    h.getPortsMap().forEach((k, v) -> ports.put(k, v.intValue()));
    refuseIfDifferent("--sandbox", o.sandbox() == null ? null : o.sandbox().toAbsolutePath(),
        sandbox, taskId);
    refuseIfDifferent("--log-dir", o.logDir() == null ? null : o.logDir().toAbsolutePath(),
        logDir, taskId);
    refuseIfDifferent("--port", o.ports().isEmpty() ? null : o.ports(), ports, taskId);
    LoggerConfig logger = RunnerSettingsCodec.logger(h);
    boolean preserveEnv = RunnerSettingsCodec.preserveEnv(h);
    Duration wait = RunnerSettingsCodec.preemptionWait(h);
    warnIfDifferent("--preserve-env", o.preserveEnv() ? Boolean.TRUE : null, preserveEnv, taskId);
    warnIfDifferent("the process logger flags", o.defaultLogger(), logger, taskId);
    warnIfDifferent("--preemption-wait", o.preemptionWait(), wait, taskId);
    warnIfDifferent("--hostname", o.hostname(), h.getHostname(), taskId);
    return new RecordedSettings(sandbox, logDir, ports, h.getUser(),
        h.hasUid() ? h.getUid() : null, h.getHostname(), logger, preserveEnv,
        RunnerSettingsCodec.environment(h, paths, taskId, callerEnvironment), wait);
  }

  private static void refuseIfDifferent(String flag, Object given, Object recorded,
      String taskId) throws RunnerException {
    if (given != null && !given.equals(recorded)) {
      throw new RunnerException(RunnerException.UNKNOWN_ERROR, flag + " " + given
          + " contradicts task " + taskId + "'s recorded " + recorded
          + " (a restarted task keeps its settings)");
    }
  }

  private static void warnIfDifferent(String flag, Object given, Object recorded,
      String taskId) {
    if (given != null && !Objects.equals(given, recorded)) {
      log.warn("{} {} ignored: task {} keeps its recorded {}", flag, given, taskId, recorded);
    }
  }
}
