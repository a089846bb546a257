package thermos.ckpt.legacy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Logs left where they are: {@code TO/logs/TASK_ID} made a symbolic link to the source's log
 * directory, so that tools reading the destination root find them where a 2012-era header (no
 * {@code log_dir}) sends them. Planned (and checked against what is already there) before
 * anything is published: the same link, or a directory holding the same logs (an earlier
 * {@code --copy-logs}), is left alone; anything else is a conflict.
 */
final class LogLink {
  private final Path target;
  private final Path link;
  private final boolean needed;

  private LogLink(Path target, Path link, boolean needed) {
    this.target = target;
    this.link = link;
    this.needed = needed;
  }

  /**
   * Plans the link {@code link} → {@code source} (nothing to do if {@code source} is no
   * directory: there are no logs to point at).
   *
   * @throws ImportConflictException if {@code link} exists and is not the same logs
   */
  static LogLink plan(Path source, Path link, String taskId) throws IOException {
    Path target = source.toAbsolutePath().normalize();
    if (!Files.isDirectory(target) || !Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
      return new LogLink(target, link, Files.isDirectory(target));
    }
    if (Files.isSymbolicLink(link)) {
      if (Files.readSymbolicLink(link).equals(target)
          || (Files.exists(link) && Files.isSameFile(link, target))) {
        return new LogLink(target, link, false);
      }
      throw new ImportConflictException("task '" + taskId + "': " + link + " already links to "
          + Files.readSymbolicLink(link) + ", not to " + target + "; not overwritten");
    }
    if (Files.isDirectory(link, LinkOption.NOFOLLOW_LINKS)
        && LogCopy.plan(source, link, taskId).isComplete()) {
      return new LogLink(target, link, false); // copied before, every file the same
    }
    throw new ImportConflictException("task '" + taskId + "': " + link + " already exists and"
        + " does not hold the logs of " + target + "; not overwritten");
  }

  /** Where the link points (the source's log directory, absolute). */
  Path target() {
    return target;
  }

  /** Creates the link if it is not there yet; true if it was created now. */
  boolean create() throws IOException {
    if (!needed) {
      return false;
    }
    Files.createDirectories(link.getParent());
    Files.createSymbolicLink(link, target);
    AtomicFiles.fsyncDirectory(link.getParent());
    return true;
  }
}
