package thermos.ckpt;

import java.nio.file.Path;

/**
 * Why a log could not be read past some record: corruption (bad framing, CRC or payload) or a
 * record the state machine rejects. Everything before {@link #offset()} was applied.
 */
public record CheckpointProblem(Kind kind, Path file, long offset, String message) {
  public enum Kind {
    /** The bytes of a complete record cannot be trusted. */
    CORRUPT,
    /** A well-formed record breaks the transition or sequence rules. */
    INVALID_RECORD
  }

  public static CheckpointProblem of(CorruptCheckpointException e) {
    return new CheckpointProblem(Kind.CORRUPT, e.file(), e.offset(), e.getMessage());
  }

  public static CheckpointProblem of(CheckpointStateException e) {
    return new CheckpointProblem(Kind.INVALID_RECORD, e.file(), e.offset(), e.getMessage());
  }

  @Override
  public String toString() {
    return message;
  }
}
