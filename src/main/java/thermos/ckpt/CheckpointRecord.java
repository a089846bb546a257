package thermos.ckpt;

import thermos.proto.RunnerCkpt;

/**
 * One whole record of a checkpoint log and where it sits: it starts at byte {@code offset} and
 * the next record starts at {@link #endOffset()}. {@code frameBytes} is the size of the framing
 * before the payload: 8 in our format (length and CRC), 4 in legacy Thermos logs (length only),
 * 0 for a record a reader supplies that is not stored in the file.
 */
public record CheckpointRecord(long offset, int payloadBytes, RunnerCkpt ckpt, int frameBytes) {
  /** A record of our format. */
  public CheckpointRecord(long offset, int payloadBytes, RunnerCkpt ckpt) {
    this(offset, payloadBytes, ckpt, CheckpointFormat.HEADER_BYTES);
  }

  public long endOffset() {
    return offset + frameBytes + payloadBytes;
  }
}
