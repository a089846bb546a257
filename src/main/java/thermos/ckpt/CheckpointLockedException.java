package thermos.ckpt;

import java.io.IOException;
import java.nio.file.Path;

/** Another writer holds the log's lock: a checkpoint log has exactly one writer at a time. */
public final class CheckpointLockedException extends IOException {
  private final Path file;
  private final String holder;

  public CheckpointLockedException(Path file, String holder) {
    super("checkpoint " + file + " is locked by another writer"
        + (holder == null || holder.isBlank() ? "" : " (" + holder + ")"));
    this.file = file;
    this.holder = holder;
  }

  public Path file() {
    return file;
  }

  /** What the lock holder wrote about itself (e.g. "pid 1234"), or null. */
  public String holder() {
    return holder;
  }
}
