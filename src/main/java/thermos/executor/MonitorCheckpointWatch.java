package thermos.executor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import thermos.ckpt.LogReplay;
import thermos.ckpt.TaskPath;
import thermos.common.Clock;
import thermos.monitor.TaskMonitor;

/** The real {@link CheckpointWatch}: a {@link TaskMonitor}, woken by file events. */
public final class MonitorCheckpointWatch implements CheckpointWatch {
  private final TaskMonitor monitor;
  private CompletableFuture<?> hooked; // guarded by this

  public MonitorCheckpointWatch(TaskPath paths, String taskId, Clock clock) {
    this.monitor = new TaskMonitor(paths, taskId, TaskMonitor.Options.defaults().withClock(clock));
  }

  @Override
  public CheckpointSnapshot read() {
    return CheckpointSnapshot.of(monitor.getState(),
        monitor.problem().map(Object::toString).orElse(null));
  }

  @Override
  public CheckpointSnapshot reread() {
    Path log = monitor.checkpoint();
    if (!Files.exists(log)) {
      return CheckpointSnapshot.EMPTY;
    }
    try {
      LogReplay.Result r = LogReplay.replay(log, false);
      return CheckpointSnapshot.of(r.state().toProto(),
          r.problem() == null ? null : r.problem().toString());
    } catch (IOException e) {
      return new CheckpointSnapshot(null, false, null, "cannot read " + log + ": " + e);
    }
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
