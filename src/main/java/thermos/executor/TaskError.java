package thermos.executor;

/** A task could not be started or stopped; the message says why. */
public final class TaskError extends Exception {
  public TaskError(String message) {
    super(message);
  }

  public TaskError(String message, Throwable cause) {
    super(message, cause);
  }
}
