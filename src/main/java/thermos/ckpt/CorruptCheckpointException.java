package thermos.ckpt;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A complete record that cannot be trusted: CRC mismatch, impossible length or unparsable
 * payload. Names the file and the byte offset of the record; everything before it is valid.
 */
public final class CorruptCheckpointException extends IOException {
  private final Path file;
  private final long offset;
  private final String reason;

  public CorruptCheckpointException(Path file, long offset, String reason) {
    super("corrupt checkpoint " + file + " at byte offset " + offset + ": " + reason);
    this.file = file;
    this.offset = offset;
    this.reason = reason;
  }

  public Path file() {
    return file;
  }

  /** Byte offset of the first bad record; the bytes before it hold whole, valid records. */
  public long offset() {
    return offset;
  }

  public String reason() {
    return reason;
  }
}
