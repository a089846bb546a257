package thermos.ckpt;

/**
 * A partial record at the end of a log: a live writer mid-append, or a crash during one. Not an
 * error for readers; the next writer truncates it.
 *
 * @param offset where the partial record starts (= length of the valid prefix)
 * @param bytes how many bytes of it are present
 */
public record TornTail(long offset, long bytes) {
  @Override
  public String toString() {
    return "torn tail of " + bytes + " byte(s) at byte offset " + offset;
  }
}
