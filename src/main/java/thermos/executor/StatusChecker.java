package thermos.executor;

import java.util.Optional;

/**
 * Something with an opinion on a task's status (Thermos' StatusChecker): the runner, a kill
 * manager, a health checker. Assembled with {@link ChainedStatusChecker} and followed by a
 * {@link StatusManager}.
 */
public interface StatusChecker {
  /** The current status, or empty when this checker has nothing to say (yet). Never null. */
  Optional<StatusResult> status();

  /** A short name for logs. */
  default String name() {
    return getClass().getSimpleName();
  }

  /**
   * Asks to be told (on any thread, possibly spuriously) when {@link #status()} may have
   * changed. Checkers that cannot tell need not: a {@link StatusManager} also looks on its own
   * every so often.
   */
  default void addListener(Runnable onChange) {}

  /** Starts whatever the checker runs in the background (Thermos' {@code start()}). */
  default void startChecking() {}

  /** Stops it (Thermos' {@code stop()}). */
  default void stopChecking() {}
}
