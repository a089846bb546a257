package thermos.ckpt;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import thermos.proto.RunnerCkpt;

/**
 * Reads whole records of a checkpoint log from any offset, so tails are incremental.
 *
 * <p>{@link #next()} returns records until the end of the data: a clean end at a record boundary,
 * or a {@linkplain #tornTail() torn tail} (a partial record, which is not an error). A complete
 * record that fails its checks throws {@link CorruptCheckpointException} naming its offset; every
 * record returned before it is valid.
 */
public final class CheckpointReader implements RecordSource {
  /** The name of this format, as tools print it. */
  public static final String FORMAT = "thermos-jvm";

  /** Bounds of the first read buffer; it grows beyond for larger records. */
  private static final int MIN_BUFFER = 1024;
  private static final int MAX_INITIAL_BUFFER = 64 * 1024;

  private final SeekableByteChannel channel;
  private final Path file;
  private final boolean ownsChannel;
  private ByteBuffer buffer;
  /** File offset of {@code buffer.position()}. */
  private long position;
  private boolean eof;
  private TornTail tornTail;

  private CheckpointReader(SeekableByteChannel channel, Path file, long offset, boolean ownsChannel)
      throws IOException {
    this.channel = channel;
    this.file = file;
    this.ownsChannel = ownsChannel;
    this.position = offset;
    channel.position(offset);
    // Sized to the data (most logs are a few hundred bytes: `status` opens thousands of them).
    long available = channel.size() - offset;
    this.buffer = ByteBuffer.allocate((int) Math.max(MIN_BUFFER,
        Math.min(MAX_INITIAL_BUFFER, available))).flip();
  }

  /** Opens {@code file} for reading from byte {@code offset} (0 = the first record). */
  public static CheckpointReader open(Path file, long offset) throws IOException {
    SeekableByteChannel ch = Files.newByteChannel(file, StandardOpenOption.READ);
    try {
      return new CheckpointReader(ch, file, offset, true);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  public static CheckpointReader open(Path file) throws IOException {
    return open(file, 0);
  }

  /**
   * Reads through a channel the caller owns (closing the reader leaves it open); {@code file}
   * only names it in errors.
   */
  public static CheckpointReader over(SeekableByteChannel channel, Path file, long offset)
      throws IOException {
    return new CheckpointReader(channel, file, offset, false);
  }

  /** Reads through {@code channel}, which closing the reader closes (format detection opened it). */
  static CheckpointReader adopt(SeekableByteChannel channel, Path file, long offset)
      throws IOException {
    return new CheckpointReader(channel, file, offset, true);
  }

  /**
   * The next whole record, or null at the end of the data (check {@link #tornTail()}).
   *
   * @throws CorruptCheckpointException for a complete record with a bad length, CRC or payload
   */
  @Override
  public CheckpointRecord next() throws IOException {
    tornTail = null;
    if (!fill(CheckpointFormat.HEADER_BYTES)) {
      return endOfData();
    }
    int base = buffer.position();
    long recordOffset = position;
    long length = Integer.toUnsignedLong(buffer.getInt(base));
    int expectedCrc = buffer.getInt(base + 4);
    if (length > CheckpointFormat.MAX_PAYLOAD_BYTES) {
      throw corrupt(recordOffset, "record length " + length + " exceeds the "
          + CheckpointFormat.MAX_PAYLOAD_BYTES + "-byte limit");
    }
    if (length == 0) {
      throw corrupt(recordOffset, "zero-length record (a record holds a header or a status)");
    }
    int total = CheckpointFormat.HEADER_BYTES + (int) length;
    if (!fill(total)) {
      return tornOrMislabelled(recordOffset, (int) length, expectedCrc);
    }
    base = buffer.position();
    byte[] array = buffer.array();
    int payloadStart = buffer.arrayOffset() + base + CheckpointFormat.HEADER_BYTES;
    int actualCrc = CheckpointFormat.crc32c(array, payloadStart, (int) length);
    if (actualCrc != expectedCrc) {
      throw corrupt(recordOffset, String.format("CRC mismatch (stored %08x, computed %08x)",
          expectedCrc, actualCrc));
    }
    RunnerCkpt ckpt;
    try {
      ckpt = RunnerCkpt.parser().parseFrom(array, payloadStart, (int) length);
    } catch (InvalidProtocolBufferException e) {
      throw corrupt(recordOffset, "unparsable RunnerCkpt payload (" + e.getMessage() + ")");
    }
    if (ckpt.getRecordCase() == RunnerCkpt.RecordCase.RECORD_NOT_SET) {
      throw corrupt(recordOffset, "record holds no header, process status or task status");
    }
    buffer.position(base + total);
    position += total;
    return new CheckpointRecord(recordOffset, (int) length, ckpt);
  }

  /** Offset just past the last whole record returned (where the next record would start). */
  @Override
  public long position() {
    return position;
  }

  /** The partial record that ended the data at the last {@link #next()}, or null. */
  @Override
  public TornTail tornTail() {
    return tornTail;
  }

  public Path file() {
    return file;
  }

  @Override
  public String format() {
    return FORMAT;
  }

  @Override
  public void close() throws IOException {
    if (ownsChannel) {
      channel.close();
    }
  }

  private CheckpointRecord endOfData() {
    int remaining = buffer.remaining();
    if (remaining > 0) {
      tornTail = new TornTail(position, remaining);
    }
    return null;
  }

  /**
   * A record whose payload runs past the end of the file is usually a torn append: a prefix of
   * the last record. But if some prefix of the bytes that follow the header carries exactly the
   * stored CRC, it is the length field that is wrong (a flipped bit), and that is corruption, not
   * a tail to truncate: the damaged record may sit anywhere, with whole records after it.
   */
  private CheckpointRecord tornOrMislabelled(long recordOffset, int length, int expectedCrc)
      throws CorruptCheckpointException {
    int present = buffer.remaining() - CheckpointFormat.HEADER_BYTES;
    int start = buffer.arrayOffset() + buffer.position() + CheckpointFormat.HEADER_BYTES;
    int actual = prefixWithCrc(buffer.array(), start, present, expectedCrc);
    if (actual > 0) {
      throw corrupt(recordOffset, "length field says " + length + " bytes, past the end of the"
          + " file, but the " + actual + " bytes that follow carry the stored CRC");
    }
    return endOfData();
  }

  /** The smallest {@code n} in 1..max with CRC32C of {@code data[off, off + n)} = crc, or -1. */
  private static int prefixWithCrc(byte[] data, int off, int max, int crc) {
    CRC32C c = new CRC32C();
    for (int n = 1; n <= max; n++) {
      c.update(data[off + n - 1]);
      if ((int) c.getValue() == crc) {
        return n;
      }
    }
    return -1;
  }

  /** Makes at least {@code needed} bytes available in the buffer; false if the data ends first. */
  private boolean fill(int needed) throws IOException {
    while (buffer.remaining() < needed) {
      if (eof) {
        return false;
      }
      if (buffer.capacity() < needed) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(needed, buffer.capacity() * 2));
        bigger.put(buffer).flip();
        buffer = bigger;
      }
      buffer.compact();
      int n = channel.read(buffer);
      buffer.flip();
      if (n < 0) {
        eof = true;
      } else if (n == 0 && channel instanceof FileChannel) {
        // FileChannel never returns 0 for a blocking read with room left: treat as end.
        eof = true;
      }
    }
    return true;
  }

  private CorruptCheckpointException corrupt(long offset, String reason) {
    return new CorruptCheckpointException(file, offset, reason);
  }
}
