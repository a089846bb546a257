package thermos.ckpt.legacy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import org.apache.thrift.protocol.TType;
import thermos.ckpt.CheckpointFormat;

/**
 * Legacy Thermos checkpoint framing (SEMANTICS.md §1b.3): {@code u32 length | payload}, big-endian,
 * payload = a Thrift TBinaryProtocol {@code RunnerCkpt}; and how to tell it from ours.
 */
public final class LegacyFormat {
  /** The name of this format, as tools print it. */
  public static final String NAME = "thermos-legacy";
  /** Bytes of the length field that precedes every payload. */
  public static final int LENGTH_BYTES = 4;
  /** Thermos' RecordIO limit: a larger length is corruption. */
  public static final int MAX_RECORD_BYTES = 64 << 20;
  /** Bytes of the start of a log that {@link #isLegacy} looks at before deciding. */
  static final int SNIFF_BYTES = CheckpointFormat.HEADER_BYTES;

  private LegacyFormat() {}

  /**
   * True if the log read by {@code channel} is a legacy Thermos log. Looks at the first record
   * only: it is legacy if its payload starts with a Thrift field header of type STRUCT and id
   * 1..3 (a {@code RunnerCkpt} union member) and it is <em>not</em> a record of ours whose CRC
   * matches. An empty or too-short log is not legacy (our reader then reports no records or a
   * torn tail). The length is not judged here: a damaged length in a legacy log is reported by
   * the legacy reader, in legacy terms. Leaves the channel's position anywhere.
   */
  public static boolean isLegacy(SeekableByteChannel channel) throws IOException {
    long size = channel.size();
    byte[] head = readAt(channel, 0, (int) Math.min(size, SNIFF_BYTES));
    if (head.length < LENGTH_BYTES + 1 || !startsLikeThriftMember(head)) {
      return false;
    }
    return !oursCrcMatches(channel, head, size);
  }

  /** Bytes 4.. of {@code head} (as many as there are, up to 3) match {@code 0x0c 0x00 0x01..03}. */
  static boolean startsLikeThriftMember(byte[] head) {
    if (head[4] != TType.STRUCT) {
      return false;
    }
    if (head.length > 5 && head[5] != 0) {
      return false;
    }
    return head.length <= 6 || (head[6] >= 1 && head[6] <= 3);
  }

  /** Our format read the same bytes as {@code length | CRC | payload} and the CRC matches. */
  private static boolean oursCrcMatches(SeekableByteChannel channel, byte[] head, long size)
      throws IOException {
    if (head.length < CheckpointFormat.HEADER_BYTES) {
      return false;
    }
    long length = Integer.toUnsignedLong(ByteBuffer.wrap(head).getInt(0));
    if (length == 0 || length > CheckpointFormat.MAX_PAYLOAD_BYTES
        || CheckpointFormat.HEADER_BYTES + length > size) {
      return false;
    }
    byte[] record = readAt(channel, 0, CheckpointFormat.HEADER_BYTES + (int) length);
    if (record.length < CheckpointFormat.HEADER_BYTES + length) {
      return false; // the file shrank under us
    }
    int stored = ByteBuffer.wrap(record).getInt(LENGTH_BYTES);
    return stored == CheckpointFormat.crc32c(record, CheckpointFormat.HEADER_BYTES, (int) length);
  }

  /** Up to {@code n} bytes from {@code offset} (fewer at the end of the data). */
  private static byte[] readAt(SeekableByteChannel channel, long offset, int n)
      throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(n);
    channel.position(offset);
    while (buf.hasRemaining() && channel.read(buf) > 0) {
      // keep reading: a channel may return fewer bytes than asked
    }
    byte[] out = new byte[buf.position()];
    buf.flip().get(out);
    return out;
  }
}
