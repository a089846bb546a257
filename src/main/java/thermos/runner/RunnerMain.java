package thermos.runner;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import thermos.ckpt.CheckpointWriter;
import thermos.ckpt.TaskPath;
import thermos.ckpt.UniversalStateHandler;
import thermos.common.Clock;
import thermos.config.LoggerConfig;
import thermos.proto.RunnerHeader;
import thermos.proto.TaskState;
import thermos.runner.local.LocalProcessPlatform;

/**
 * The runner's entry point (the {@code runner} command, and {@code run} in the foreground):
 * validates and binds the task, takes the checkpoint (over a live runner with {@code force}),
 * runs the task to a terminal state, and says how it went as an exit code (DESIGN.md §4).
 */
public final class RunnerMain {
  private static final Logger log = LoggerFactory.getLogger(RunnerMain.class);

  /**
   * The runner's flags.
   *
   * @param sandbox null: the recorded one, else {@code ROOT/sandbox/ID} ({@code run}'s default)
   * @param logDir null: the recorded one, else {@code SANDBOX/.logs}
   */
  public record Options(Path taskJson, Path checkpointRoot, Path sandbox, String taskId,
      Map<String, Integer> ports, Duration preemptionWait, Path logDir, String hostname,
      boolean preserveEnv, boolean force, LoggerConfig defaultLogger) {}

  /** Makes the process platform of a task (the real one; tests pass a fake). */
  interface Platforms {
    ProcessPlatform create(RunnerConfig config, double taskStart);
  }

  private static final Platforms LOCAL = (config, taskStart) -> new LocalProcessPlatform(
      config.paths(), config.taskId(), Clock.SYSTEM, taskStart, config.uid());

  private RunnerMain() {}

  /**
   * Runs the task in this JVM and returns the runner exit code: 0 terminal state reached, 101
   * internal error, 102 invalid task, 103 unknown error (e.g. the log is locked), 104 unknown
   * user, 105 task already terminal.
   *
   * @param listener told of every transition this runner writes (may be null)
   * @param started called once the runner is running, with a handle to kill it
   */
  public static int run(Options o, UniversalStateHandler listener, Consumer<TaskRunner> started) {
    // Spawning is ~40% cheaper with vfork; must be set before the first process starts.
    System.setProperty("jdk.lang.Process.launchMechanism", "VFORK");
    return run(o, listener, started, LOCAL, Clock.SYSTEM);
  }

  static int run(Options o, UniversalStateHandler listener, Consumer<TaskRunner> started,
      Platforms platforms, Clock clock) {
    TaskRunner runner = null;
    ProcessPlatform platform = null;
    try {
      RunnerConfig config = RunnerSetup.configure(o);
      TaskPath paths = config.paths();
      platform = platforms.create(config,
          RunnerSetup.launchTime(paths.runnerCheckpoint(config.taskId())));
      NewPaths created = NewPaths.under(paths.root(), paths.checkpointDir(config.taskId()));
      runner = o.force() ? Takeover.openForcibly(config, platform)
          : TaskRunner.open(config, clock, platform);
      try {
        createSandbox(config.sandbox());
      } catch (RunnerException e) {
        // Nothing half-written: what opening the log created goes again.
        runner.close();
        runner = null;
        created.remove();
        throw e;
      }
      if (listener != null) {
        runner.addListener(listener);
      }
      // Handle SIGUSR1/SIGUSR2 before the first status announces this runner's pid: whoever
      // reads that pid may signal it at once, and an unhandled SIGUSR1 kills the JVM.
      try (KillWatch watch = KillWatch.install(runner, paths.killRequest(config.taskId()),
          config.preemptionWait())) {
        runner.start();
        if (started != null) {
          started.accept(runner);
        }
        TaskState end = runner.run();
        log.info("task {} finished: {} ({})", config.taskId(), end, ResourceUsage.describe());
      }
      return 0;
    } catch (RunnerException e) {
      log.error("{}", e.getMessage());
      return e.exitCode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.error("runner interrupted");
      return RunnerException.INTERNAL_ERROR;
    } catch (IOException | RuntimeException e) {
      log.error("internal error: {}", e.toString(), e);
      return RunnerException.INTERNAL_ERROR;
    } finally {
      if (runner != null) {
        runner.close();
      }
      if (platform != null) {
        platform.close();
      }
    }
  }

  /**
   * The sandbox {@code o} runs in: the one given, else the recorded one, else
   * {@code ROOT/sandbox/ID}.
   */
  public static Path sandboxOf(Options o) {
    if (o.sandbox() != null) {
      return o.sandbox().toAbsolutePath();
    }
    TaskPath paths = new TaskPath(o.checkpointRoot().toAbsolutePath());
    RunnerHeader h = RunnerSetup.recordedHeader(paths.runnerCheckpoint(o.taskId()));
    return h != null ? Path.of(h.getSandbox()) : RecordedSettings.defaultSandbox(paths, o.taskId());
  }

  /** Created only once the checkpoint is ours (not locked, not a finished task). */
  private static void createSandbox(Path sandbox) throws RunnerException {
    try {
      Files.createDirectories(sandbox);
    } catch (FileAlreadyExistsException e) {
      throw new RunnerException(RunnerException.UNKNOWN_ERROR, "cannot create sandbox "
          + sandbox + ": " + e.getFile() + " exists and is not a directory");
    } catch (AccessDeniedException e) {
      throw new RunnerException(RunnerException.UNKNOWN_ERROR, "cannot create sandbox "
          + sandbox + ": permission denied on " + e.getFile());
    } catch (IOException e) {
      throw new RunnerException(RunnerException.UNKNOWN_ERROR, "cannot create sandbox "
          + sandbox + ": " + e.getMessage());
    }
  }

  /** The lock file of a checkpoint (for messages). */
  static Path lockOf(Path checkpoint) {
    return CheckpointWriter.lockFileOf(checkpoint);
  }
}
