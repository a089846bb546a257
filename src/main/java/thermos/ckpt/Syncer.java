package thermos.ckpt;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Makes a channel's written bytes durable. A hook so tests can observe the sync policy. */
@FunctionalInterface
public interface Syncer {
  void sync(FileChannel channel) throws IOException;

  /**
   * Makes new entries of {@code dir} durable: a log (or lock file) the writer just created. An
   * fsynced record of a file whose directory entry was never synced can vanish with the file in
   * a crash. Called once per created file set, not per record.
   */
  default void syncDirectory(Path dir) throws IOException {
    forceDirectory(dir);
  }

  /** fdatasync: the record bytes and the file length, not the mtime. */
  Syncer FORCE = channel -> channel.force(false);

  /**
   * fsync of a directory (on Linux: open it read-only and force). A no-op where a directory
   * cannot be opened as a file; a failed sync of an opened one is an error.
   */
  static void forceDirectory(Path dir) throws IOException {
    FileChannel channel;
    try {
      channel = FileChannel.open(dir, StandardOpenOption.READ);
    } catch (IOException | UnsupportedOperationException e) {
      return; // not every platform lets a directory be opened
    }
    try (channel) {
      channel.force(true);
    }
  }
}
