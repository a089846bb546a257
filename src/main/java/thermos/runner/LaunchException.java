package thermos.runner;

/** A run could not be started (the runner records it as a failed run and goes on). */
public final class LaunchException extends Exception {
  public LaunchException(String message, Throwable cause) {
    super(message, cause);
  }

  public LaunchException(String message) {
    super(message);
  }
}
