package thermos.executor;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import thermos.ckpt.CheckpointProblem;
import thermos.ckpt.States;
import thermos.ckpt.TaskPath;
import thermos.common.Clock;
import thermos.monitor.TaskMonitor;
import thermos.proto.KillRequest;
import thermos.proto.TaskState;
import thermos.runner.KillRequests;
import thermos.runner.RunnerException;
import thermos.runner.Takeover;

/**
 * Stops a task, deciding only on its checkpoint (DESIGN.md §5): records a durable kill request
 * carrying the grace period, wakes the runner, waits — on file events and the runner's exit —
 * for a terminal status, and if the runner is dead, hung or too slow, takes the task over and
 * finishes the kill itself.
 */
public final class TaskStopper {
  private static final Logger log = LoggerFactory.getLogger(TaskStopper.class);
  /** Time the runner gets beyond the grace period to write its terminal status. */
  public static final Duration SLACK = Duration.ofSeconds(2);

  /** How a stop ended. */
  public record Result(TaskState state, boolean tookOver) {}

  private final TaskPath paths;
  private final String taskId;
  private final Clock clock;

  public TaskStopper(TaskPath paths, String taskId, Clock clock) {
    this.paths = paths;
    this.taskId = taskId;
    this.clock = clock;
  }

  /**
   * Drives the task to a terminal state.
   *
   * @param terminal KILLED or LOST (the state a successful stop records)
   * @param grace what the processes get between SIGTERM and SIGKILL
   * @param runner the task's runner, or {@link RunnerHandle#NONE}
   * @throws TaskError if even a takeover cannot reach a terminal state
   */
  public Result stop(TaskState terminal, Duration grace, RunnerHandle runner)
      throws TaskError, InterruptedException {
    long start = clock.nanoTime();
    try (TaskMonitor monitor = new TaskMonitor(paths, taskId,
        TaskMonitor.Options.defaults().withClock(clock))) {
      Optional<TaskState> now = terminalState(monitor);
      if (now.isPresent()) {
        return new Result(now.get(), false);
      }
      requestKill(terminal, grace);
      if (runner.isAlive()) {
        runner.wake(terminal == TaskState.LOST);
        runner.onExit().thenRun(monitor::nudge);
        long waitUntil = start + grace.plus(SLACK).toNanos();
        while (clock.nanoTime() < waitUntil && runner.isAlive()) {
          monitor.awaitChange(Duration.ofNanos(waitUntil - clock.nanoTime()));
          now = terminalState(monitor);
          if (now.isPresent()) {
            return new Result(now.get(), false);
          }
        }
        now = terminalState(monitor);
        if (now.isPresent()) {
          return new Result(now.get(), false);
        }
        log.info("task {}: runner {} without a terminal status; taking over", taskId,
            runner.isAlive() ? "too slow" : "gone");
      }
      Duration left = grace.minusNanos(clock.nanoTime() - start);
      return new Result(takeOver(terminal, left.isNegative() ? Duration.ZERO : left), true);
    }
  }

  private TaskState takeOver(TaskState terminal, Duration grace) throws TaskError,
      InterruptedException {
    try {
      TaskState end = Takeover.kill(paths, taskId, terminal, grace);
      if (!States.isTerminal(end)) {
        throw new TaskError("takeover of " + taskId + " ended in non-terminal state " + end);
      }
      return end;
    } catch (RunnerException | IOException e) {
      throw new TaskError("cannot take task " + taskId + " over: " + e.getMessage(), e);
    }
  }

  private void requestKill(TaskState terminal, Duration grace) throws TaskError {
    try {
      java.nio.file.Files.createDirectories(paths.checkpointDir(taskId));
      KillRequests.write(paths.killRequest(taskId), KillRequest.newBuilder()
          .setTerminalState(terminal).setGraceMs(grace.toMillis())
          .setRequestedAtMs(clock.currentTimeMillis())
          .setRequesterPid((int) ProcessHandle.current().pid()).build());
    } catch (IOException e) {
      throw new TaskError("cannot write kill request for " + taskId + ": " + e.getMessage(), e);
    }
  }

  /** The terminal state the checkpoint holds, if any; a corrupt checkpoint is an error. */
  private Optional<TaskState> terminalState(TaskMonitor monitor) throws TaskError {
    Optional<CheckpointProblem> problem = monitor.problem();
    Optional<TaskState> s = monitor.taskState();
    if (problem.isPresent()) {
      throw new TaskError("checkpoint of " + taskId + " is unreadable: " + problem.get());
    }
    return s.filter(States::isTerminal);
  }
}
