package thermos.executor;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import thermos.ckpt.LogReplay;
import thermos.ckpt.States;
import thermos.ckpt.TaskPath;
import thermos.common.Clock;
import thermos.proto.RunnerHeader;
import thermos.proto.TaskState;
import thermos.runner.RunnerException;
import thermos.runner.Signal;
import thermos.runner.Takeover;
import thermos.runner.local.LocalProcessPlatform;

/**
 * The real {@link TaskTakeover}: {@link Takeover#kill} in this JVM — the same TaskRunner code
 * the runner uses, with the task's recorded settings. It runs on its own daemon thread so the
 * caller's deadline holds even if a step inside (killing the old runner, waiting for its lock)
 * takes longer: the caller gets a TaskError at the deadline and the takeover finishes on its own.
 */
public final class LocalTakeover implements TaskTakeover {
  private static final Logger log = LoggerFactory.getLogger(LocalTakeover.class);

  private final TaskPath paths;
  private final String taskId;
  private final Clock clock;

  public LocalTakeover(TaskPath paths, String taskId, Clock clock) {
    this.paths = paths;
    this.taskId = taskId;
    this.clock = clock;
  }

  @Override
  public TaskState takeOver(TaskState terminal, Duration grace, long deadlineNanos)
      throws TaskError, InterruptedException {
    FutureTask<TaskState> work = new FutureTask<>(
        () -> Takeover.kill(paths, taskId, terminal, grace));
    Thread t = new Thread(work, "thermos-takeover-" + taskId);
    t.setDaemon(true);
    t.start();
    TaskState end;
    try {
      end = work.get(Math.max(0, deadlineNanos - clock.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new TaskError("task " + taskId + " did not stop within the deadline: the takeover"
          + " is still running (it goes on in the background)");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RunnerException || cause instanceof IOException) {
        throw new TaskError("cannot take task " + taskId + " over: " + cause.getMessage(), cause);
      }
      throw new TaskError("taking task " + taskId + " over failed: " + cause, cause);
    }
    if (!States.isTerminal(end)) {
      throw new TaskError("the takeover of " + taskId + " ended in non-terminal state " + end);
    }
    return end;
  }

  @Override
  public int killStragglers() {
    double taskStart = 0;
    try {
      RunnerHeader h = LogReplay.replay(paths.runnerCheckpoint(taskId), false).state().header();
      if (h != null && h.hasLaunchTimeMs()) {
        taskStart = h.getLaunchTimeMs() / 1000.0;
      }
    } catch (IOException | RuntimeException e) {
      log.debug("no launch time for {}: {}", taskId, e.toString());
    }
    try (LocalProcessPlatform platform = new LocalProcessPlatform(paths, taskId, Clock.SYSTEM,
        taskStart)) {
      int n = platform.signalOrphans(List.of(), Signal.KILL);
      log.info("task {}: SIGKILLed {} process(es) found by their marker", taskId, n);
      return n;
    }
  }

  @Override
  public boolean discardUnlaunched() throws TaskError {
    return UnlaunchedTask.discard(paths, taskId);
  }
}
