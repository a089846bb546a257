package thermos.runner;

import java.nio.file.Path;
import java.util.Map;
import thermos.config.LoggerConfig;

/**
 * Everything needed to start one run of one process.
 *
 * @param environment the complete environment of the process
 * @param profile {@code SANDBOX/.thermos_profile} if it exists at launch (becomes BASH_ENV), else null
 * @param logDir {@code LOG_DIR/PROCESS/RUN}, where stdout and stderr go
 * @param logger the effective logger (process logger, else the runner's defaults)
 */
public record LaunchRequest(String process, int run, String cmdline, Map<String, String> environment,
    Path workingDirectory, Path profile, Path logDir, LoggerConfig logger) {
  public LaunchRequest {
    environment = Map.copyOf(environment);
  }
}
