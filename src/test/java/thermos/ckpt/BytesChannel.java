package thermos.ckpt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.Arrays;

/** A read-only channel over a byte array, so replay tests need no files. */
public final class BytesChannel implements SeekableByteChannel {
  private final byte[] data;
  private long position;
  private boolean open = true;

  public BytesChannel(byte[] data) {
    this.data = data;
  }

  public BytesChannel(byte[] data, int length) {
    this(Arrays.copyOf(data, length));
  }

  /** Replays {@code bytes} as a whole log, as {@code LogReplay.replay} replays a file. */
  public static LogReplay.Result replay(byte[] bytes, boolean truncate) throws IOException {
    Path name = Path.of("mem-log");
    try (CheckpointReader reader = CheckpointReader.over(new BytesChannel(bytes), name, 0)) {
      return LogReplay.continueReplay(reader, name, new ReplayState(truncate),
          new CheckpointDispatcher(), false);
    }
  }

  @Override
  public int read(ByteBuffer dst) {
    if (position >= data.length) {
      return -1;
    }
    int n = (int) Math.min(dst.remaining(), data.length - position);
    dst.put(data, (int) position, n);
    position += n;
    return n;
  }

  @Override
  public int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public SeekableByteChannel position(long newPosition) {
    position = newPosition;
    return this;
  }

  @Override
  public long size() {
    return data.length;
  }

  @Override
  public SeekableByteChannel truncate(long size) {
    throw new NonWritableChannelException();
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() throws IOException {
    open = false;
  }
}
