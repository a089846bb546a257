package thermos.executor;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import thermos.ckpt.TaskPath;
import thermos.common.Clock;
import thermos.monitor.TaskMonitor;
import thermos.proto.RunnerState;
import thermos.proto.TaskStatus;

/** The real {@link CheckpointWatch}: a {@link TaskMonitor}, woken by file events. */
public final class MonitorCheckpointWatch implements CheckpointWatch {
  private final TaskMonitor monitor;
  private CompletableFuture<?> hooked; // guarded by this

  public MonitorCheckpointWatch(TaskPath paths, String taskId, Clock clock) {
    this.monitor = new TaskMonitor(paths, taskId, TaskMonitor.Options.defaults().withClock(clock));
  }

  @Override
  public CheckpointSnapshot read() {
    RunnerState s = monitor.getState();
    TaskStatus last = s.getStatusesCount() == 0 ? null
        : s.getStatuses(s.getStatusesCount() - 1);
    return new CheckpointSnapshot(last == null ? null : last.getState(), s.hasHeader(),
        last != null && last.hasRunnerPid() ? last.getRunnerPid() : null,
        monitor.problem().map(Object::toString).orElse(null));
  }

  @Override
  public void await(Duration timeout, CompletableFuture<?> wake) throws InterruptedException {
    if (wake.isDone()) {
      return;
    }
    synchronized (this) {
      if (hooked != wake) {
        hooked = wake;
        wake.whenComplete((v, e) -> monitor.nudge());
      }
    }
    monitor.awaitChange(timeout, wake::isDone);
  }

  @Override
  public void close() {
    monitor.close();
  }
}
