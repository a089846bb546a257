package thermos.ckpt.legacy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;
import thermos.ckpt.Syncer;

/**
 * Files that appear whole or not at all: written to a hidden temporary sibling, fsynced, then
 * published under their name, never over an existing file.
 */
final class AtomicFiles {
  private static final AtomicLong COUNTER = new AtomicLong();

  private AtomicFiles() {}

  /**
   * A fresh temporary path beside {@code dest}. Hidden (leading '.'), so tools that list task
   * ids and process names skip it should it ever be left behind.
   */
  static Path tempFor(Path dest) {
    return dest.resolveSibling("." + dest.getFileName() + ".import-"
        + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet() + ".tmp");
  }

  /** Copies {@code src} into a new temporary file beside {@code dest}, synced, same mtime. */
  static Path copyToTemp(Path src, Path dest) throws IOException {
    Path tmp = tempFor(dest);
    try {
      Files.copy(src, tmp);
      Files.setLastModifiedTime(tmp, Files.getLastModifiedTime(src));
      fsync(tmp);
      return tmp;
    } catch (IOException | RuntimeException e) {
      deleteQuietly(tmp);
      throw e;
    }
  }

  /**
   * Gives {@code tmp} the name {@code dest} atomically and removes {@code tmp}. A hard link
   * refuses an existing {@code dest} even if one appeared since it was checked; where links are
   * not supported, an atomic rename is used instead.
   */
  static void publish(Path tmp, Path dest) throws IOException {
    try {
      Files.createLink(dest, tmp);
      Files.delete(tmp);
    } catch (FileAlreadyExistsException e) {
      deleteQuietly(tmp);
      throw e;
    } catch (UnsupportedOperationException | FileSystemException e) {
      if (Files.exists(dest)) {
        deleteQuietly(tmp);
        throw new FileAlreadyExistsException(dest.toString());
      }
      Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE);
    }
    fsyncDirectory(dest.getParent());
  }

  static boolean sameBytes(Path a, Path b) throws IOException {
    return Files.mismatch(a, b) == -1;
  }

  static void fsync(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  /** Makes a new directory entry durable; a no-op where directories cannot be opened. */
  static void fsyncDirectory(Path dir) {
    if (dir == null) {
      return;
    }
    try {
      Syncer.forceDirectory(dir);
    } catch (IOException e) {
      // The data itself is already synced; the entry will be, with the next sync of the disk.
    }
  }

  static void deleteQuietly(Path p) {
    if (p == null) {
      return;
    }
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // best effort: a hidden temporary file is harmless
    }
  }
}
