package thermos.runner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import thermos.ckpt.TaskPath;
import thermos.config.LoggerConfig;
import thermos.config.ProcessConfig;

/**
 * Builds what a run is launched with (SEMANTICS.md §1b.12–1b.13): the environment, the working
 * directory, {@code .thermos_profile}, the log directory and the effective logger.
 */
final class LaunchPlanner {
  static final String PROFILE = ".thermos_profile";

  private final RunnerConfig config;

  LaunchPlanner(RunnerConfig config) {
    this.config = config;
  }

  LaunchRequest request(ProcessConfig process, int run) {
    return new LaunchRequest(process.name(), run, process.cmdline(), environment(),
        config.sandbox(), profile(), TaskPath.processLogDir(config.logDir(), process.name(), run),
        logger(process));
  }

  /**
   * Only HOME, LOGNAME, USER and PATH (the runner's PATH) — or, with preserve_env, the runner's
   * whole environment with those four overridden.
   */
  Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    if (config.preserveEnv()) {
      env.putAll(config.environment());
    }
    env.put("HOME", config.sandbox().toString());
    env.put("LOGNAME", config.user());
    env.put("USER", config.user());
    String path = config.environment().get("PATH");
    if (path != null) {
      env.put("PATH", path);
    } else {
      env.remove("PATH");
    }
    return env;
  }

  /** {@code SANDBOX/.thermos_profile} if it exists now (checked at each launch), else null. */
  Path profile() {
    Path profile = config.sandbox().resolve(PROFILE);
    return Files.isRegularFile(profile) ? profile : null;
  }

  /** The process's own logger wins; otherwise the runner's defaults. */
  LoggerConfig logger(ProcessConfig process) {
    return process.logger() != null ? process.logger() : config.defaultLogger();
  }
}
