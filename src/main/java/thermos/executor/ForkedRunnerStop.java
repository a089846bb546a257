package thermos.executor;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import thermos.common.Clock;
import thermos.proto.TaskState;

/**
 * {@link ThermosTaskRunner#stop} once its runner is forked. A runner that has not written its
 * header has launched nothing: it is SIGKILLed and what it wrote is discarded, so no header-less
 * log is left ACTIVE. Anything further along is stopped by {@link TaskStopper} (DESIGN.md §5).
 */
final class ForkedRunnerStop {
  private static final Logger log = LoggerFactory.getLogger(ForkedRunnerStop.class);

  /**
   * How a stop ended.
   *
   * @param state the terminal state the checkpoint holds, or null if the task was discarded
   *     before it launched anything
   * @param killedUnstarted this stop SIGKILLed a runner that had not started the task
   */
  record Outcome(TaskState state, boolean killedUnstarted) {}

  private final String taskId;
  private final KillRequester requester;
  private final TaskTakeover takeover;
  private final Clock clock;
  private final StopBudget budget;

  ForkedRunnerStop(String taskId, KillRequester requester, TaskTakeover takeover, Clock clock,
      StopBudget budget) {
    this.taskId = taskId;
    this.requester = requester;
    this.takeover = takeover;
    this.clock = clock;
    this.budget = budget;
  }

  /**
   * @param grace the kill's grace (zero for a loss)
   * @param deadline on {@link #clock}
   */
  Outcome stop(TaskState terminal, Duration grace, ForkedRunner r, CheckpointWatch w,
      long deadline) throws TaskError, InterruptedException {
    CheckpointSnapshot s = w.read();
    if (!s.isTerminal() && !s.hasHeader() && !s.isCorrupt()) {
      boolean killed = killUnstarted(r, w, deadline);
      if (takeover.discardUnlaunched()) {
        return new Outcome(null, killed);
      }
      log.info("task {}: its runner got as far as launching; stopping the task", taskId);
    }
    Duration left = Duration.ofNanos(deadline - clock.nanoTime());
    TaskStopper stopper = new TaskStopper(taskId, w, requester, takeover, clock, budget);
    try {
      return new Outcome(stopper.stop(terminal, grace, r, left).state(), false);
    } catch (IllegalArgumentException e) {
      throw new TaskError("no time left to stop task " + taskId + ": " + e.getMessage(), e);
    }
  }

  /**
   * SIGKILLs a runner that has launched nothing and waits for its exit, on the runner's exit
   * event.
   *
   * @return true if this killed it (false: it was dead already)
   */
  private boolean killUnstarted(ForkedRunner r, CheckpointWatch w, long deadline)
      throws TaskError, InterruptedException {
    if (!r.isAlive()) {
      return false;
    }
    log.info("task {}: runner pid {} has launched nothing; killing it", taskId, r.pid());
    r.destroy();
    while (r.isAlive() && clock.nanoTime() < deadline) {
      w.await(Duration.ofNanos(deadline - clock.nanoTime()), r.onExit());
    }
    if (r.isAlive()) {
      throw new TaskError("runner pid " + r.pid() + " of task " + taskId
          + " did not die within the deadline");
    }
    return true;
  }
}
