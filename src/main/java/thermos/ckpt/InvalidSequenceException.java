package thermos.ckpt;

import java.nio.file.Path;

/** A process update whose seq is not the last seq + 1 (outside recovery mode). */
public final class InvalidSequenceException extends CheckpointStateException {
  public InvalidSequenceException(long offset, String detail) {
    super(null, offset, detail);
  }

  private InvalidSequenceException(Path file, long offset, String detail) {
    super(file, offset, detail);
  }

  @Override
  public InvalidSequenceException inFile(Path log) {
    return new InvalidSequenceException(log, offset(), detail());
  }
}
