package thermos.executor;

import java.time.Duration;
import java.util.Objects;

/**
 * How a stop spends its timeout (DESIGN.md §5): the kill's grace {@code g}, then
 * {@code runnerSlack} for the runner to record the terminal state, then — if it has not —
 * {@code takeoverReserve} to take the task over. Their sum beyond the grace is the fixed
 * {@link #slack()}, and {@code g + slack} must be <em>strictly</em> less than the timeout:
 * equality is the seed's race (seed-flaky-stop.txt), where the runner's escalation and the
 * stopper's budget end at the same instant.
 *
 * <p><b>Decision on a colliding configuration.</b> A {@link ThermosTaskRunner} whose preemption
 * wait does not fit its default stop timeout is <em>rejected</em> at construction
 * (IllegalArgumentException): that is a configuration error and is found before any task runs.
 * A {@code stop(timeout)} called with a timeout too small for the grace <em>clamps</em> the
 * grace to {@link #graceWithin} (and logs it): a stop must stop, and the deadline is the
 * caller's contract while the grace is the task's comfort. A timeout that does not even exceed
 * the slack cannot be honoured by any stop and is rejected (IllegalArgumentException).
 */
public record StopBudget(Duration runnerSlack, Duration takeoverReserve) {
  /** 1 s for the runner beyond the grace, 1 s for a takeover. */
  public static final StopBudget DEFAULT =
      new StopBudget(Duration.ofSeconds(1), Duration.ofSeconds(1));
  private static final Duration TICK = Duration.ofMillis(1);

  public StopBudget {
    Objects.requireNonNull(runnerSlack);
    Objects.requireNonNull(takeoverReserve);
    if (runnerSlack.isNegative() || takeoverReserve.isNegative()) {
      throw new IllegalArgumentException("negative stop slack");
    }
  }

  /** What a stop needs beyond the grace. */
  public Duration slack() {
    return runnerSlack.plus(takeoverReserve);
  }

  /** The smallest timeout that keeps grace {@code g} whole: {@code g + slack + 1 ms}. */
  public Duration minimumTimeout(Duration grace) {
    return grace.plus(slack()).plus(TICK);
  }

  /** True if a stop with {@code timeout} can give the full {@code grace}. */
  public boolean fits(Duration grace, Duration timeout) {
    return grace.plus(slack()).compareTo(timeout) < 0;
  }

  /**
   * The grace a stop with {@code timeout} gives: {@code grace} if it fits, else the largest
   * whole number of milliseconds {@code g'} with {@code g' + slack < timeout}.
   *
   * @throws IllegalArgumentException if {@code timeout <= slack}: no stop can be promised
   */
  public Duration graceWithin(Duration grace, Duration timeout) {
    if (timeout.compareTo(slack()) <= 0) {
      throw new IllegalArgumentException("stop timeout " + timeout.toMillis()
          + " ms must exceed the stop slack of " + slack().toMillis() + " ms (runner "
          + runnerSlack.toMillis() + " ms + takeover " + takeoverReserve.toMillis() + " ms)");
    }
    if (fits(grace, timeout)) {
      return grace;
    }
    Duration g = Duration.ofMillis(timeout.minus(slack()).minus(TICK).toMillis());
    return g.isNegative() ? Duration.ZERO : g;
  }
}
