package thermos.ckpt;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The checkpoint log's framing (DESIGN.md §3): {@code u32 length | u32 CRC32C(payload) | payload},
 * big-endian, payload = a serialized {@code RunnerCkpt}.
 */
public final class CheckpointFormat {
  /** Bytes of the length and CRC fields that precede every payload. */
  public static final int HEADER_BYTES = 8;
  /** Upper bound of a payload: a larger length is corruption, never an allocation. */
  public static final int MAX_PAYLOAD_BYTES = 1 << 20;

  private CheckpointFormat() {}

  /** CRC32C of {@code len} bytes of {@code data} from {@code off}, as an unsigned 32-bit value. */
  public static int crc32c(byte[] data, int off, int len) {
    CRC32C crc = new CRC32C();
    crc.update(data, off, len);
    return (int) crc.getValue();
  }

  /** CRC32C of the bytes between the buffer's position and limit (the position is unchanged). */
  public static int crc32c(ByteBuffer data) {
    CRC32C crc = new CRC32C();
    crc.update(data.duplicate());
    return (int) crc.getValue();
  }
}
