package thermos.ckpt;

/** When a {@link CheckpointWriter} makes appended records durable. */
public enum SyncPolicy {
  /**
   * Every {@code append} writes its record and fsyncs before it returns: a record is on disk
   * before the runner acts on it. The default.
   */
  EVERY_RECORD,
  /**
   * Appends are buffered in memory and written and fsynced together on {@link
   * CheckpointWriter#flush()}, when the buffer fills, and on close. For bulk tools (import)
   * and benchmarks, never for a runner.
   */
  BATCHED
}
