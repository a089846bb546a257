package thermos.config;

/** Log rotation: rotate when a file reaches {@code logSize} bytes, keep {@code backups} old ones. */
public record RotatePolicy(long logSize, int backups) {
  public static final long DEFAULT_LOG_SIZE = 100L * 1024 * 1024;
  public static final int DEFAULT_BACKUPS = 5;

  public static RotatePolicy defaults() {
    return new RotatePolicy(DEFAULT_LOG_SIZE, DEFAULT_BACKUPS);
  }
}
