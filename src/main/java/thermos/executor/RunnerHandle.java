package thermos.executor;

import java.util.concurrent.CompletableFuture;

/**
 * The runner process of a task, as whoever stops the task sees it: a child the executor forked,
 * or a process found through the checkpoint. Only used to wake it, to know when it is gone and
 * to choose whom to signal — never to decide the task's state.
 */
public interface RunnerHandle {
  /** Alive, and still the same process (a zombie is dead). */
  boolean isAlive();

  /** Sends SIGUSR1 (kill) or SIGUSR2 (lose); false if it could not be delivered. */
  boolean wake(boolean lose);

  /** Completes when the runner exits (may complete late for a process that is not our child). */
  CompletableFuture<?> onExit();

  /** SIGKILLs the runner if it is ours to kill; false if it was not signalled. */
  default boolean destroy() {
    return false;
  }

  /** No runner at all. */
  RunnerHandle NONE = new RunnerHandle() {
    @Override
    public boolean isAlive() {
      return false;
    }

    @Override
    public boolean wake(boolean lose) {
      return false;
    }

    @Override
    public CompletableFuture<?> onExit() {
      return CompletableFuture.completedFuture(null);
    }
  };
}
