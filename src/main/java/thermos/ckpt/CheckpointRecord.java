package thermos.ckpt;

import thermos.proto.RunnerCkpt;

/**
 * One whole record of a checkpoint log and where it sits: it starts at byte {@code offset} and
 * the next record starts at {@link #endOffset()}.
 */
public record CheckpointRecord(long offset, int payloadBytes, RunnerCkpt ckpt) {
  public long endOffset() {
    return offset + CheckpointFormat.HEADER_BYTES + payloadBytes;
  }
}
