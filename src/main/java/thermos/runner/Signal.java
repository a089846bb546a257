package thermos.runner;

/** The signals the runner sends to processes. */
public enum Signal {
  TERM(15),
  KILL(9);

  private final int number;

  Signal(int number) {
    this.number = number;
  }

  public int number() {
    return number;
  }
}
