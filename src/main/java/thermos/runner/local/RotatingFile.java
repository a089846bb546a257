package thermos.runner.local;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A log file that rotates (SEMANTICS.md §1b.13): opened with truncation; when it reaches
 * {@code logSize} bytes, {@code base.N-1} becomes {@code base.N} … and
 * {@code base} becomes {@code base.1}, the oldest is dropped, and a fresh base is opened.
 */
final class RotatingFile implements AutoCloseable {
  private final Path base;
  private final long logSize;
  private final int backups;
  private OutputStream out;
  private long size;

  RotatingFile(Path base, long logSize, int backups) throws IOException {
    this.base = base;
    this.logSize = logSize;
    this.backups = backups;
    open();
  }

  /**
   * Writes {@code len} bytes, rotating whenever the file reaches {@code logSize}: a chunk that
   * crosses the limit is split, so no file ever exceeds it, however the pipe delivered the bytes.
   */
  void write(byte[] data, int off, int len) throws IOException {
    while (len > 0) {
      int n = (int) Math.min(len, logSize - size);
      out.write(data, off, n);
      size += n;
      off += n;
      len -= n;
      if (size >= logSize) {
        rotate();
      }
    }
  }

  private void rotate() throws IOException {
    out.close();
    Files.deleteIfExists(numbered(backups));
    for (int i = backups - 1; i >= 1; i--) {
      try {
        Files.move(numbered(i), numbered(i + 1), StandardCopyOption.REPLACE_EXISTING);
      } catch (NoSuchFileException e) {
        // fewer backups so far
      }
    }
    Files.move(base, numbered(1), StandardCopyOption.REPLACE_EXISTING);
    open();
  }

  private Path numbered(int n) {
    return base.resolveSibling(base.getFileName() + "." + n);
  }

  private void open() throws IOException {
    out = Files.newOutputStream(base, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    size = 0;
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
