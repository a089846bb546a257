package thermos.ckpt.legacy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import thermos.ckpt.CheckpointRecord;
import thermos.ckpt.CorruptCheckpointException;
import thermos.ckpt.RecordSource;
import thermos.ckpt.TornTail;
import thermos.proto.RunnerCkpt;

/**
 * Reads a legacy Thermos checkpoint log (read only): RecordIO framing, a 4-byte big-endian
 * length then a Thrift binary {@code RunnerCkpt}, mapped to our protobuf records
 * (SEMANTICS.md §1b.3). Behaves like our reader: whole records until the end of the data, a
 * partial record at the end is a {@linkplain #tornTail() torn tail}, and a complete record that
 * cannot be decoded is a {@link CorruptCheckpointException} naming its offset. Nothing the file
 * holds makes it throw anything else.
 */
public final class LegacyCheckpointReader implements RecordSource {
  private static final int INITIAL_BUFFER = 64 * 1024;

  private final SeekableByteChannel channel;
  private final Path file;
  private final boolean ownsChannel;
  private final ThriftRecordDecoder decoder = new ThriftRecordDecoder();
  private ByteBuffer buffer = ByteBuffer.allocate(INITIAL_BUFFER).flip();
  /** File offset of {@code buffer.position()}. */
  private long position;
  private boolean eof;
  private TornTail tornTail;

  private LegacyCheckpointReader(SeekableByteChannel channel, Path file, long offset,
      boolean ownsChannel) throws IOException {
    this.channel = channel;
    this.file = file;
    this.ownsChannel = ownsChannel;
    this.position = offset;
    channel.position(offset);
  }

  /** Opens {@code file} for reading from byte {@code offset} (0 = the first record). */
  public static LegacyCheckpointReader open(Path file, long offset) throws IOException {
    SeekableByteChannel ch = Files.newByteChannel(file, StandardOpenOption.READ);
    try {
      return new LegacyCheckpointReader(ch, file, offset, true);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /**
   * Reads through {@code channel} from {@code offset}; closing the reader closes the channel only
   * if {@code owns}. {@code file} names the log in errors.
   */
  public static LegacyCheckpointReader over(SeekableByteChannel channel, Path file, long offset,
      boolean owns) throws IOException {
    return new LegacyCheckpointReader(channel, file, offset, owns);
  }

  @Override
  public CheckpointRecord next() throws IOException {
    tornTail = null;
    if (!fill(LegacyFormat.LENGTH_BYTES)) {
      return endOfData();
    }
    long recordOffset = position;
    long length = Integer.toUnsignedLong(buffer.getInt(buffer.position()));
    if (length == 0) {
      throw corrupt(recordOffset, "zero-length record (a record holds a header or a status)");
    }
    if (length > LegacyFormat.MAX_RECORD_BYTES) {
      throw corrupt(recordOffset, "record length " + length + " exceeds Thermos' "
          + LegacyFormat.MAX_RECORD_BYTES + "-byte limit");
    }
    int total = LegacyFormat.LENGTH_BYTES + (int) length;
    if (!fillRecord(total)) {
      return tornOrMislabelled(recordOffset, (int) length);
    }
    int base = buffer.position();
    int payloadStart = buffer.arrayOffset() + base + LegacyFormat.LENGTH_BYTES;
    RunnerCkpt ckpt;
    try {
      ckpt = decoder.decode(buffer.array(), payloadStart, (int) length);
    } catch (LegacyDecodeException e) {
      throw corrupt(recordOffset, e.getMessage());
    }
    if (decoder.consumed() != length) {
      throw corrupt(recordOffset, "length field says " + length + " bytes but the record's "
          + "Thrift struct ends after " + decoder.consumed());
    }
    buffer.position(base + total);
    position += total;
    return new CheckpointRecord(recordOffset, (int) length, ckpt, LegacyFormat.LENGTH_BYTES);
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public TornTail tornTail() {
    return tornTail;
  }

  @Override
  public String format() {
    return LegacyFormat.NAME;
  }

  public Path file() {
    return file;
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
   * A record running past the end of the file is usually a torn append. But a proper prefix of
   * a Thrift struct never decodes as a whole struct, so if the bytes that are there do, it is the
   * length field that is wrong: corruption, not a tail.
   */
  private CheckpointRecord tornOrMislabelled(long recordOffset, int length)
      throws CorruptCheckpointException {
    int present = buffer.remaining() - LegacyFormat.LENGTH_BYTES;
    if (present > 0) {
      int start = buffer.arrayOffset() + buffer.position() + LegacyFormat.LENGTH_BYTES;
      boolean whole;
      try {
        decoder.decode(buffer.array(), start, present);
        whole = true;
      } catch (LegacyDecodeException e) {
        whole = false;
      }
      if (whole) {
        throw corrupt(recordOffset, "length field says " + length + " bytes but only " + present
            + " follow, and they start with a whole record of " + decoder.consumed() + " bytes");
      }
    }
    return endOfData();
  }

  /**
   * Buffers a whole record of {@code total} bytes; false if the data ends first. A damaged length
   * may claim up to 64 MiB: the buffer never grows past what the file actually holds.
   */
  private boolean fillRecord(int total) throws IOException {
    if (total > buffer.capacity()) {
      long inFile = channel.size() - position;
      if (inFile < total) {
        fill((int) Math.max(inFile, buffer.remaining()));
        return false;
      }
    }
    return fill(total);
  }

  /** Makes at least {@code needed} bytes available in the buffer; false if the data ends first. */
  private boolean fill(int needed) throws IOException {
    while (buffer.remaining() < needed) {
      if (eof) {
        return false;
      }
      if (buffer.capacity() < needed) {
        ByteBuffer bigger = ByteBuffer.allocate(needed);
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
