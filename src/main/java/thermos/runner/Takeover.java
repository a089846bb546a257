package thermos.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import thermos.ckpt.CheckpointLockedException;
import thermos.ckpt.LogReplay;
import thermos.ckpt.ReplayState;
import thermos.ckpt.States;
import thermos.ckpt.TaskPath;
import thermos.common.Clock;
import thermos.config.InvalidTaskException;
import thermos.config.TaskConfig;
import thermos.config.TaskLoader;
import thermos.proto.KillRequest;
import thermos.proto.RunnerHeader;
import thermos.proto.TaskState;
import thermos.runner.local.LocalProcessPlatform;
import thermos.runner.local.RunnerKiller;

/**
 * Taking a task over from its runner: the lock (killing the verified live runner first), the
 * runner's recorded settings (difference 8), and a kill driven by the same {@link TaskRunner}
 * code, so a takeover records exactly what the runner would have.
 */
public final class Takeover {
  private static final Logger log = LoggerFactory.getLogger(Takeover.class);
  private static final Duration LOCK_WAIT = Duration.ofSeconds(10);

  private Takeover() {}

  /** Opens the task's runner, killing a live runner that holds the checkpoint. */
  public static TaskRunner openForcibly(RunnerConfig config, ProcessPlatform platform)
      throws RunnerException {
    try {
      return TaskRunner.open(config, Clock.SYSTEM, platform);
    } catch (RunnerException e) {
      if (!(e.getCause() instanceof CheckpointLockedException)) {
        throw e;
      }
    }
    ReplayState state = replay(config.checkpoint());
    RunnerKiller.Outcome outcome;
    try {
      outcome = new RunnerKiller().killLeader(state.statuses(), Duration.ofSeconds(5));
    } catch (IllegalStateException e) {
      throw new RunnerException(RunnerException.UNKNOWN_ERROR, e.getMessage());
    }
    if (outcome == RunnerKiller.Outcome.STILL_ALIVE) {
      throw new RunnerException(RunnerException.UNKNOWN_ERROR,
          "the task's runner would not die; cannot take the checkpoint");
    }
    long deadline = System.nanoTime() + LOCK_WAIT.toNanos();
    long backoffMs = 1;
    while (true) {
      try {
        return TaskRunner.open(config, Clock.SYSTEM, platform);
      } catch (RunnerException e) {
        if (!(e.getCause() instanceof CheckpointLockedException)
            || System.nanoTime() > deadline) {
          throw e;
        }
      }
      sleep(backoffMs);
      backoffMs = Math.min(50, backoffMs * 2);
    }
  }

  /**
   * Rebuilds a runner's configuration from what the task recorded: the header (sandbox, log dir,
   * ports, user, settings) and the interpolated task in {@code tasks/active/ID}.
   */
  public static RunnerConfig configFromCheckpoint(TaskPath paths, String taskId)
      throws RunnerException {
    ReplayState state = replay(paths.runnerCheckpoint(taskId));
    RunnerHeader h = state.header();
    if (h == null) {
      throw new RunnerException(RunnerException.UNKNOWN_ERROR,
          "task " + taskId + " has no header yet: nothing was launched");
    }
    Path taskFile = Files.exists(paths.activeTaskFile(taskId)) ? paths.activeTaskFile(taskId)
        : paths.finishedTaskFile(taskId);
    String json;
    TaskConfig task;
    try {
      json = Files.readString(taskFile, StandardCharsets.UTF_8);
      task = TaskLoader.parse(json, taskFile.toString());
    } catch (IOException | InvalidTaskException e) {
      throw new RunnerException(RunnerException.INVALID_TASK,
          "cannot read task " + taskFile + ": " + e.getMessage());
    }
    Map<String, Integer> ports = new HashMap<>();
    h.getPortsMap().forEach((k, v) -> ports.put(k, v.intValue()));
    Path sandbox = Path.of(h.getSandbox());
    Map<String, String> env = RunnerSettingsCodec.environment(h, paths, taskId, System.getenv());
    return new RunnerConfig(task, json, taskId, paths, sandbox,
        h.hasLogDir() ? Path.of(h.getLogDir()) : TaskPath.defaultLogDir(sandbox), ports,
        h.getUser(), h.hasUid() ? h.getUid() : null, h.getHostname(),
        RunnerSettingsCodec.logger(h), RunnerSettingsCodec.preserveEnv(h), env,
        RunnerSettingsCodec.preemptionWait(h), TaskPlanner.RUNNER_RUN_LIMIT,
        RunnerConfig.DEFAULT_LOST_TIMEOUT);
  }

  /**
   * Drives a task to {@code terminal} (KILLED or LOST) without its runner: takes it over with the
   * recorded settings, asks for the kill with {@code grace}, and runs the teardown to the end.
   *
   * @return the task's terminal state (which may be an earlier natural one)
   */
  public static TaskState kill(TaskPath paths, String taskId, TaskState terminal,
      Duration grace) throws RunnerException, IOException, InterruptedException {
    ReplayState state = replay(paths.runnerCheckpoint(taskId));
    TaskState current = state.taskState();
    if (current != null && States.isTerminal(current)) {
      return current;
    }
    RunnerConfig config = configFromCheckpoint(paths, taskId);
    double launched = state.header().getLaunchTimeMs() / 1000.0;
    // The task's processes are the recorded user's, whoever takes over (root, typically).
    try (LocalProcessPlatform platform = new LocalProcessPlatform(paths, taskId, Clock.SYSTEM,
        launched, config.uid()); TaskRunner runner = openForcibly(config, platform)) {
      runner.start();
      runner.requestKill(KillRequest.newBuilder().setTerminalState(terminal)
          .setGraceMs(grace.toMillis()).setRequestedAtMs(System.currentTimeMillis()).build());
      TaskState end = runner.run();
      log.info("took over task {}: {}", taskId, end);
      return end;
    }
  }

  private static ReplayState replay(Path checkpoint) throws RunnerException {
    try {
      LogReplay.Result r = LogReplay.replay(checkpoint, false);
      if (r.problem() != null) {
        throw new RunnerException(RunnerException.UNKNOWN_ERROR, r.problem().message());
      }
      return r.state();
    } catch (IOException e) {
      throw new RunnerException(RunnerException.UNKNOWN_ERROR,
          "cannot read " + checkpoint + ": " + e.getMessage(), e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
