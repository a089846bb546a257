package thermos.ckpt;

import java.io.Closeable;
import java.io.IOException;

/**
 * Whole records of a checkpoint log, read from some offset: our CRC-framed format, or a
 * legacy Thermos one (read only).
 */
public interface RecordSource extends Closeable {
  /**
   * The next whole record, or null at the end of the data (then {@link #tornTail()} says whether
   * a partial record follows).
   *
   * @throws CorruptCheckpointException for a record that is complete but cannot be trusted
   */
  CheckpointRecord next() throws IOException;

  /** Offset just past the last whole record returned. */
  long position();

  /** The partial record that ended the data at the last {@link #next()}, or null. */
  TornTail tornTail();

  /** What format the records are in, for humans ("thermos-jvm", "thermos-legacy"). */
  String format();
}
