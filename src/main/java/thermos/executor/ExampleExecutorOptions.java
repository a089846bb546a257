package thermos.executor;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;
import thermos.ckpt.TaskPath;
import thermos.config.PortBinding;
import thermos.config.TaskIds;

/** The {@link ExampleExecutor}'s command line. */
@Command(name = "ExampleExecutor", sortOptions = false,
    description = {"Launch a task, print its status transitions, stop it on 'stop' (stdin) or",
        "SIGTERM. Exit 0 if it FINISHED, 1 otherwise, 2 on a bad command line."})
final class ExampleExecutorOptions {
  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
  boolean help;

  @Option(names = "--task-json", required = true, paramLabel = "FILE",
      description = "The task (Thermos task JSON).")
  Path taskJson;

  @Option(names = "--root", paramLabel = "R",
      description = "Checkpoint root (default $THERMOS_ROOT, else ~/.thermos).")
  Path root;

  @Option(names = "--sandbox", paramLabel = "S", description = "Default ROOT/sandbox/ID.")
  Path sandbox;

  @Option(names = "--task-id", paramLabel = "ID", description = "Default task-TIMESTAMP.")
  String taskId;

  @Option(names = "--port", paramLabel = "NAME:PORT", converter = PortConverter.class,
      description = "Bind {{thermos.ports[NAME]}} to PORT (repeatable).")
  List<PortBinding> ports = new ArrayList<>();

  @Option(names = "--preemption-wait", paramLabel = "SECS", converter = Seconds.class,
      defaultValue = "5", description = "Grace between SIGTERM and SIGKILL (default 5).")
  Duration preemptionWait;

  @Option(names = "--stop-timeout", paramLabel = "SECS", converter = Seconds.class,
      defaultValue = "30", description = "Deadline of the stop (default 30).")
  Duration stopTimeout;

  @Option(names = "--start-timeout", paramLabel = "SECS", converter = Seconds.class,
      defaultValue = "60", description = "Deadline of the start (default 60).")
  Duration startTimeout;

  @Option(names = "--lifecycle-port", paramLabel = "NAME", defaultValue = "health",
      description = "The port HTTP lifecycle teardown posts to (default health).")
  String lifecyclePort;

  @Option(names = "--jar", paramLabel = "JAR", description = "The runner jar.")
  Path jar;

  @Option(names = "--runner-command", paramLabel = "CMD",
      description = "Start the runner as 'CMD runner ARGS...' instead of 'java -jar JAR'.")
  String runnerCommand;

  Path root() {
    return root != null ? root : TaskPath.defaultRoot();
  }

  String taskId() {
    return taskId != null ? taskId : TaskIds.defaultTaskId("task", LocalDateTime.now());
  }

  /** @throws IllegalArgumentException for a port name given twice */
  Map<String, Integer> portmap() {
    Map<String, Integer> map = new TreeMap<>();
    for (PortBinding b : ports) {
      if (map.put(b.name(), b.port()) != null) {
        throw new IllegalArgumentException("port " + b.name() + " given twice");
      }
    }
    return map;
  }

  /** A non-negative number of seconds, e.g. 1.5. */
  static final class Seconds implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      double s;
      try {
        s = Double.parseDouble(value);
      } catch (NumberFormatException e) {
        throw new TypeConversionException("'" + value + "' is not a number of seconds");
      }
      if (!Double.isFinite(s) || s < 0) {
        throw new TypeConversionException("'" + value + "' is not a number of seconds >= 0");
      }
      return Duration.ofMillis(Math.round(s * 1000));
    }
  }

  static final class PortConverter implements ITypeConverter<PortBinding> {
    @Override
    public PortBinding convert(String value) {
      try {
        return PortBinding.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
