package thermos.config;

/**
 * A task that cannot be run: malformed JSON, an unknown key, a wrong type, a bad name, a
 * duplicate, an impossible plan, an unbound port. The message names the field or process.
 */
public final class InvalidTaskException extends Exception {
  public InvalidTaskException(String message) {
    super(message);
  }

  public InvalidTaskException(String message, Throwable cause) {
    super(message, cause);
  }
}
