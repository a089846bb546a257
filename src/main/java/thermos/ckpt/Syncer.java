package thermos.ckpt;

import java.io.IOException;
import java.nio.channels.FileChannel;

/** Makes a channel's written bytes durable. A hook so tests can observe the sync policy. */
@FunctionalInterface
public interface Syncer {
  void sync(FileChannel channel) throws IOException;

  /** fdatasync: the record bytes and the file length, not the mtime. */
  Syncer FORCE = channel -> channel.force(false);
}
