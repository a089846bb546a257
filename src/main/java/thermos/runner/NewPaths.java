package thermos.runner;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directories a new task's first steps create under the root (the root itself, {@code
 * checkpoints/}, {@code checkpoints/ID/} with the empty log and its lock), noted before they
 * exist, so that a failure right after can take them away again: nothing half-written.
 */
final class NewPaths {
  private static final Logger log = LoggerFactory.getLogger(NewPaths.class);

  /** Directories missing before, deepest first. */
  private final List<Path> missing;

  private NewPaths(List<Path> missing) {
    this.missing = missing;
  }

  /** Notes which of {@code dir} and its ancestors up to {@code root} do not exist yet. */
  static NewPaths under(Path root, Path dir) {
    List<Path> missing = new ArrayList<>();
    for (Path p = dir; p != null && p.startsWith(root) && !Files.exists(p); p = p.getParent()) {
      missing.add(p);
    }
    return new NewPaths(missing);
  }

  /** Deletes the noted directories and what was created in them since. */
  void remove() {
    for (Path dir : missing) {
      try {
        if (Files.isDirectory(dir) && dir.equals(missing.get(0))) {
          try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
              Files.deleteIfExists(f);
            }
          }
        }
        Files.deleteIfExists(dir);
      } catch (DirectoryNotEmptyException e) {
        return; // someone else's files meanwhile: leave them, and the directories above
      } catch (IOException e) {
        log.warn("cannot remove {}: {}", dir, e.toString());
        return;
      }
    }
  }
}
