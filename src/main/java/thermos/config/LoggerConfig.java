package thermos.config;

import java.util.Locale;

/**
 * Where a process's stdout/stderr go (SEMANTICS.md §1b.13).
 *
 * @param rotate the rotation policy; null means the defaults (100 MiB, 5 backups)
 */
public record LoggerConfig(Destination destination, Mode mode, RotatePolicy rotate) {
  /** Thermos' logger destinations. */
  public enum Destination {
    FILE, CONSOLE, BOTH, NONE;

    public String jsonName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Thermos' logger modes. */
  public enum Mode {
    STANDARD, ROTATE;

    public String jsonName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static LoggerConfig defaults() {
    return new LoggerConfig(Destination.FILE, Mode.STANDARD, null);
  }

  /** The rotation policy in effect: the configured one, else the defaults. */
  public RotatePolicy effectiveRotate() {
    return rotate != null ? rotate : RotatePolicy.defaults();
  }
}
