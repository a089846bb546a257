package thermos.config;

/**
 * One {@code NAME:PORT} binding of {@code {{thermos.ports[NAME]}}}, as the command lines take it.
 */
public record PortBinding(String name, int port) {
  /**
   * Parses {@code NAME:PORT}.
   *
   * @throws IllegalArgumentException naming the value and what is wrong with it
   */
  public static PortBinding parse(String value) {
    int colon = value.indexOf(':');
    if (colon <= 0 || colon != value.lastIndexOf(':')) {
      throw bad(value);
    }
    String name = value.substring(0, colon);
    String number = value.substring(colon + 1);
    if (name.isBlank() || !number.matches("[0-9]{1,5}")) {
      throw bad(value);
    }
    int port = Integer.parseInt(number);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("'" + value + "': port must be 1-65535, got " + port);
    }
    return new PortBinding(name, port);
  }

  private static IllegalArgumentException bad(String value) {
    return new IllegalArgumentException(
        "'" + value + "' is not NAME:PORT (a port name, a colon and a port number)");
  }
}
