package thermos.runner;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import thermos.ckpt.TaskPath;
import thermos.config.LoggerConfig;
import thermos.config.TaskConfig;

/**
 * Everything a {@link TaskRunner} needs to know about the task it runs.
 *
 * @param task the task, already interpolated
 * @param taskJson the interpolated task as JSON, written to {@code tasks/active/ID}
 * @param uid the user's uid, or null if unknown
 * @param defaultLogger logger for processes that have none (the runner's flags)
 * @param preserveEnv start processes with the runner's whole environment (HOME, USER, LOGNAME
 *     and PATH still overridden)
 * @param environment the runner's environment (PATH comes from it; all of it with preserveEnv)
 * @param preemptionWait the default kill grace period (SIGUSR1 without a request file)
 * @param runLimit total runs of one process before it is failed
 * @param lostTimeout a run FORKED this long without coming up is LOST
 */
public record RunnerConfig(
    TaskConfig task,
    String taskJson,
    String taskId,
    TaskPath paths,
    Path sandbox,
    Path logDir,
    Map<String, Integer> ports,
    String user,
    Integer uid,
    String hostname,
    LoggerConfig defaultLogger,
    boolean preserveEnv,
    Map<String, String> environment,
    Duration preemptionWait,
    int runLimit,
    Duration lostTimeout) {
  public static final Duration DEFAULT_PREEMPTION_WAIT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_LOST_TIMEOUT = Duration.ofSeconds(60);

  public RunnerConfig {
    ports = Map.copyOf(ports);
    environment = Map.copyOf(environment);
  }

  public Path checkpoint() {
    return paths.runnerCheckpoint(taskId);
  }
}
