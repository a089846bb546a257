package thermos.executor;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Observes a task's checkpointed state and waits for it to change (real: {@link
 * MonitorCheckpointWatch} over a TaskMonitor, woken by file events; tests: a scripted
 * checkpoint on a fake clock).
 */
public interface CheckpointWatch extends AutoCloseable {
  /** The checkpoint as of now (never throws: an unreadable log is a snapshot with a problem). */
  CheckpointSnapshot read();

  /**
   * The checkpoint read afresh from its first byte — what any new reader sees. {@link #read()}
   * follows the log incrementally and so cannot see damage to records it has already applied;
   * a decision that is final (a terminal state reported) is confirmed with this.
   */
  CheckpointSnapshot reread();

  /**
   * Waits until the checkpoint may have changed, {@code wake} completes (e.g. the runner
   * exited), or {@code timeout} passes — whichever is first; returns at once if {@code wake} is
   * already complete. Spurious returns are allowed: callers look again and decide.
   */
  void await(Duration timeout, CompletableFuture<?> wake) throws InterruptedException;

  @Override
  void close();
}
