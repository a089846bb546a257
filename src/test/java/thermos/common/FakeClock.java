package thermos.common;

import java.time.Duration;

/** A clock that moves only when told: wall and monotonic time advance together. */
public final class FakeClock implements Clock {
  private long nanos = 1_000_000_000L;
  private long wallMillis = 1_700_000_000_000L;

  @Override
  public synchronized long currentTimeMillis() {
    return wallMillis + (nanos - 1_000_000_000L) / 1_000_000L;
  }

  @Override
  public synchronized double currentTimeSeconds() {
    return wallMillis / 1000.0 + (nanos - 1_000_000_000L) / 1e9;
  }

  @Override
  public synchronized long nanoTime() {
    return nanos;
  }

  public synchronized void advance(Duration d) {
    nanos += d.toNanos();
  }

  /** Moves to monotonic time {@code target} if it is in the future. */
  public synchronized void advanceTo(long targetNanos) {
    if (targetNanos > nanos) {
      nanos = targetNanos;
    }
  }
}
