package thermos.config;

/**
 * One process of a task (Thermos' {@code Process}, SEMANTICS.md §1a).
 *
 * @param resources null when not given
 * @param maxFailures non-zero exits before the process is permanently failed; 0 = retry forever
 * @param minDurationSecs minimum delay between a run's end and the next start
 * @param isFinal runs in the FINALIZING stage
 * @param logger null when not given (the runner's defaults apply)
 */
public record ProcessConfig(
    String name,
    String cmdline,
    Resources resources,
    int maxFailures,
    boolean daemon,
    boolean ephemeral,
    int minDurationSecs,
    boolean isFinal,
    LoggerConfig logger) {
  public static final int DEFAULT_MAX_FAILURES = 1;
  public static final int DEFAULT_MIN_DURATION_SECS = 5;

  /** A process with every default (for tests and {@code simplerun}). */
  public static ProcessConfig of(String name, String cmdline) {
    return new ProcessConfig(name, cmdline, null, DEFAULT_MAX_FAILURES, false, false,
        DEFAULT_MIN_DURATION_SECS, false, null);
  }

  public ProcessConfig withCmdline(String c) {
    return new ProcessConfig(name, c, resources, maxFailures, daemon, ephemeral, minDurationSecs,
        isFinal, logger);
  }

  public ProcessConfig withMaxFailures(int n) {
    return new ProcessConfig(name, cmdline, resources, n, daemon, ephemeral, minDurationSecs,
        isFinal, logger);
  }

  public ProcessConfig withDaemon(boolean d) {
    return new ProcessConfig(name, cmdline, resources, maxFailures, d, ephemeral, minDurationSecs,
        isFinal, logger);
  }

  public ProcessConfig withEphemeral(boolean e) {
    return new ProcessConfig(name, cmdline, resources, maxFailures, daemon, e, minDurationSecs,
        isFinal, logger);
  }

  public ProcessConfig withMinDurationSecs(int s) {
    return new ProcessConfig(name, cmdline, resources, maxFailures, daemon, ephemeral, s, isFinal,
        logger);
  }

  public ProcessConfig withFinal(boolean f) {
    return new ProcessConfig(name, cmdline, resources, maxFailures, daemon, ephemeral,
        minDurationSecs, f, logger);
  }

  public ProcessConfig withLogger(LoggerConfig l) {
    return new ProcessConfig(name, cmdline, resources, maxFailures, daemon, ephemeral,
        minDurationSecs, isFinal, l);
  }
}
