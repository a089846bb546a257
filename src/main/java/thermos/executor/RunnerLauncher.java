package thermos.executor;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How the runner JVM is started: {@code java FLAGS -jar JAR runner ARGS...} by default, or any
 * command prefix followed by {@code runner ARGS...}.
 *
 * <p>Defaults: the JVM running this code; the jar named by the system property
 * {@code thermos.jar}, else the jar this class was loaded from, else {@code target/thermos.jar};
 * {@link #FAST_START_FLAGS}; and an {@link AppCds} archive created on first use.
 */
public final class RunnerLauncher {
  /** C1 only, serial GC, small stacks, no perf-data file: the runner is small and short-lived. */
  public static final List<String> FAST_START_FLAGS = List.of("-XX:TieredStopAtLevel=1",
      "-XX:+UseSerialGC", "-Xss512k", "-XX:-UsePerfData", "-Xshare:auto");

  /**
   * The environment variable that moves HotSpot's thread suspend/resume signal, and where to.
   * HotSpot suspends threads with SIGUSR2 by default (JFR's sampler does, for one), and a runner
   * takes SIGUSR2 as "lose the task" (Thermos' protocol): a runner JVM is started with its
   * suspend signal moved to a real-time signal nobody sends, unless the caller already chose one.
   */
  public static final String SUSPEND_SIGNAL_VARIABLE = "_JAVA_SR_SIGNUM";
  public static final String SUSPEND_SIGNAL = "39";

  /** A command ready to fork, and what to do once the runner it starts has exited. */
  public record Launch(List<String> command, Runnable afterExit) {}

  private final List<String> prefix; // a custom command, or null for java -jar
  private final Path java;
  private final Path jar;
  private final List<String> jvmFlags;
  private final boolean appCds;

  private RunnerLauncher(List<String> prefix, Path java, Path jar, List<String> jvmFlags,
      boolean appCds) {
    this.prefix = prefix == null ? null : List.copyOf(prefix);
    this.java = java;
    this.jar = jar;
    this.jvmFlags = List.copyOf(jvmFlags);
    this.appCds = appCds;
  }

  public static RunnerLauncher defaults() {
    return new RunnerLauncher(null, currentJava(), defaultJar(), FAST_START_FLAGS, true);
  }

  /** Runs {@code prefix runner ARGS...}, e.g. {@code ["/usr/bin/thermos"]}. */
  public static RunnerLauncher ofCommand(List<String> prefix) {
    if (prefix.isEmpty()) {
      throw new IllegalArgumentException("empty runner command");
    }
    return new RunnerLauncher(prefix, null, null, List.of(), false);
  }

  public RunnerLauncher withJar(Path j) {
    return new RunnerLauncher(null, java, j.toAbsolutePath(), jvmFlags, appCds);
  }

  public RunnerLauncher withJava(Path j) {
    return new RunnerLauncher(null, Objects.requireNonNull(j), jar, jvmFlags, appCds);
  }

  public RunnerLauncher withJvmFlags(List<String> flags) {
    return new RunnerLauncher(prefix, java, jar, flags, appCds);
  }

  public RunnerLauncher withAppCds(boolean on) {
    return new RunnerLauncher(prefix, java, jar, jvmFlags, on);
  }

  /** The runner jar, or null for a custom command. */
  public Path jar() {
    return jar;
  }

  /**
   * The command that runs {@code runner runnerArgs...}.
   *
   * @throws TaskError if the JVM or the jar is missing (nothing has been started)
   */
  public Launch prepare(List<String> runnerArgs) throws TaskError {
    List<String> cmd = new ArrayList<>();
    Runnable afterExit = () -> {};
    if (prefix != null) {
      cmd.addAll(prefix);
    } else {
      if (!Files.isExecutable(java)) {
        throw new TaskError("cannot launch the runner: no java executable at " + java);
      }
      if (!Files.isRegularFile(jar) || !Files.isReadable(jar)) {
        throw new TaskError("cannot launch the runner: runner jar " + jar + " does not exist"
            + " (build it with `mvn -DskipTests package`, or set -Dthermos.jar)");
      }
      cmd.add(java.toString());
      cmd.addAll(jvmFlags);
      if (appCds) {
        AppCds.Plan plan = AppCds.plan(java, jar);
        cmd.addAll(plan.flags());
        afterExit = plan.afterExit();
      }
      cmd.add("-jar");
      cmd.add(jar.toString());
    }
    cmd.add("runner");
    cmd.addAll(runnerArgs);
    return new Launch(cmd, afterExit);
  }

  private static Path currentJava() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  /** {@code -Dthermos.jar}, else the jar this class came from, else target/thermos.jar. */
  static Path defaultJar() {
    String property = System.getProperty("thermos.jar");
    if (property != null && !property.isBlank()) {
      return Path.of(property).toAbsolutePath();
    }
    try {
      CodeSource source = RunnerLauncher.class.getProtectionDomain().getCodeSource();
      if (source != null && source.getLocation() != null) {
        Path p = Path.of(source.getLocation().toURI());
        if (Files.isRegularFile(p) && p.toString().endsWith(".jar")) {
          return p;
        }
      }
    } catch (URISyntaxException | RuntimeException e) {
      // fall through
    }
    return Path.of("target", "thermos.jar").toAbsolutePath();
  }
}
