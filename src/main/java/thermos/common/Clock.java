package thermos.common;

/**
 * Time as the project's time-dependent logic sees it. Everything that waits or decides on time
 * takes one, so tests drive it with a fake clock instead of sleeping.
 */
public interface Clock {
  /** Wall-clock time, milliseconds since the epoch (what checkpoints record). */
  long currentTimeMillis();

  /** Monotonic time in nanoseconds, for deadlines and intervals. */
  long nanoTime();

  /** Wall-clock time in Thermos' units: seconds since the epoch, as a double. */
  default double currentTimeSeconds() {
    return currentTimeMillis() / 1000.0;
  }

  /** The real clock. */
  Clock SYSTEM = new Clock() {
    @Override
    public long currentTimeMillis() {
      return System.currentTimeMillis();
    }

    @Override
    public long nanoTime() {
      return System.nanoTime();
    }
  };
}
