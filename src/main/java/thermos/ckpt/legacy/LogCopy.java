package thermos.ckpt.legacy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A task's process logs to copy: every regular file under the source log directory, to the same
 * relative path under the destination. Planned (and checked against what is already there)
 * before anything is copied; files already present with the same bytes are left alone.
 */
final class LogCopy {
  private record Item(Path from, Path to) {}

  private final Path source;
  private final List<Item> pending;

  private LogCopy(Path source, List<Item> pending) {
    this.source = source;
    this.pending = pending;
  }

  /**
   * Plans the copy of {@code source} (which may not exist: nothing to copy) into {@code dest}.
   *
   * @throws ImportConflictException if a destination file exists with other bytes
   */
  static LogCopy plan(Path source, Path dest, String taskId) throws IOException {
    List<Item> pending = new ArrayList<>();
    if (Files.isDirectory(source)) {
      List<Path> files;
      try (Stream<Path> walk = Files.walk(source)) {
        // Symbolic links are not followed: only the task's own files are copied.
        files = walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted()
            .toList();
      }
      for (Path f : files) {
        Path target = dest.resolve(source.relativize(f).toString());
        if (!Files.exists(target)) {
          pending.add(new Item(f, target));
        } else if (!Files.isRegularFile(target) || !AtomicFiles.sameBytes(f, target)) {
          throw new ImportConflictException("task '" + taskId + "': log " + target
              + " already exists and differs from " + f + "; not overwritten");
        }
      }
    }
    return new LogCopy(source, pending);
  }

  Path source() {
    return source;
  }

  /** True if every file is already at the destination with the same bytes. */
  boolean isComplete() {
    return pending.isEmpty();
  }

  /** Copies the planned files, each atomically; returns how many. */
  int copy() throws IOException {
    for (Item item : pending) {
      Files.createDirectories(item.to().getParent());
      AtomicFiles.publish(AtomicFiles.copyToTemp(item.from(), item.to()), item.to());
    }
    return pending.size();
  }
}
