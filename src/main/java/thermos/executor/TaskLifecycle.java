package thermos.executor;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import thermos.proto.TaskState;

/**
 * A task an executor starts and stops (Thermos' TaskRunner): {@link ThermosTaskRunner}, or a
 * wrapper around one such as {@link HttpLifecycleManager}. Its {@link #status()} is empty while
 * the task runs and terminal once it is over.
 */
public interface TaskLifecycle extends StatusChecker {
  /** Starts the task; returns once it has started. */
  void start(Duration timeout) throws TaskError, InterruptedException;

  /**
   * Stops the task within {@code timeout}; a no-op for a task that is already over.
   *
   * @return the terminal state the checkpoint holds, or empty if nothing was ever launched
   * @throws TaskError if the task cannot be brought to a terminal state in time, with why
   */
  Optional<TaskState> stop(Duration timeout) throws TaskError, InterruptedException;

  /** Waits until {@link #status()} is present or {@code timeout} passes; true if present. */
  boolean awaitTerminal(Duration timeout) throws InterruptedException;

  /** The smallest stop timeout that keeps the kill's whole grace period. */
  Duration minimumStopTimeout();

  /** The task's ports by name. */
  Map<String, Integer> ports();
}
