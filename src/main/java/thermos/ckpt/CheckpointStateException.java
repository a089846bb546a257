package thermos.ckpt;

import java.nio.file.Path;

/**
 * A well-formed record that the state machine cannot apply: an invalid transition, a missing
 * field, a duplicate header (Thermos' {@code ErrorRecoveringState}). Names the record's byte
 * offset and, once known, the file.
 */
public class CheckpointStateException extends RuntimeException {
  private final Path file;
  private final long offset;
  private final String detail;

  public CheckpointStateException(long offset, String detail) {
    this(null, offset, detail);
  }

  protected CheckpointStateException(Path file, long offset, String detail) {
    super(format(file, offset, detail));
    this.file = file;
    this.offset = offset;
    this.detail = detail;
  }

  /** The record's byte offset in its log, or -1 when it did not come from a log. */
  public long offset() {
    return offset;
  }

  /** The log the record came from, or null when not known. */
  public Path file() {
    return file;
  }

  /** What is wrong, without the location. */
  public String detail() {
    return detail;
  }

  /** The same error, located in {@code log}. */
  public CheckpointStateException inFile(Path log) {
    return new CheckpointStateException(log, offset, detail);
  }

  private static String format(Path file, long offset, String detail) {
    StringBuilder sb = new StringBuilder("invalid checkpoint record");
    if (file != null) {
      sb.append(" in ").append(file);
    }
    if (offset >= 0) {
      sb.append(" at byte offset ").append(offset);
    }
    return sb.append(": ").append(detail).toString();
  }
}
