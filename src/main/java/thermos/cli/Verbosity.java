package thermos.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/** {@code -v}: more output. Once raises logging to INFO, twice to DEBUG. */
public final class Verbosity {
  private int level;

  @Option(names = {"-v", "--verbose"}, description = "More detail; repeat (-vv) for debug logs.")
  void setVerbose(boolean[] flags) {
    level = flags.length;
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(level >= 2 ? Level.DEBUG : level == 1 ? Level.INFO : Level.WARN);
  }

  /** For long-running commands (the runner): INFO unless -v asked for more. */
  public static void atLeastInfo() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    if (!root.isInfoEnabled()) {
      root.setLevel(Level.INFO);
    }
  }

  public int level() {
    return level;
  }

  /** True if {@code -v} was given at least once. */
  public boolean verbose() {
    return level > 0;
  }
}
