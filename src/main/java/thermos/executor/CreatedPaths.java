package thermos.executor;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files and directories a start is about to create, noted while they do not exist yet, so
 * that a start that fails removes exactly those again: nothing half-written, and nothing that
 * was there before (or that someone else put into a directory meanwhile) is touched. Directories
 * are removed only once empty.
 */
final class CreatedPaths {
  private static final Logger log = LoggerFactory.getLogger(CreatedPaths.class);

  private final Set<Path> files = new LinkedHashSet<>();
  private final Set<Path> dirs = new LinkedHashSet<>();

  /** Notes {@code dir} and each of its missing ancestors, if they do not exist now. */
  void dir(Path dir) {
    for (Path p = dir.toAbsolutePath().normalize(); p != null && !Files.exists(p);
        p = p.getParent()) {
      dirs.add(p);
    }
  }

  /** Notes {@code file} (and its missing directories), if it does not exist now. */
  void file(Path file) {
    Path f = file.toAbsolutePath().normalize();
    if (!Files.exists(f)) {
      files.add(f);
      dir(f.getParent());
    }
  }

  /** Removes what was noted: the files, then the directories deepest first, if empty. */
  void remove() {
    for (Path f : files) {
      try {
        Files.deleteIfExists(f);
      } catch (IOException e) {
        log.warn("cannot remove {} after a failed start: {}", f, e.toString());
      }
    }
    List<Path> deepestFirst = new ArrayList<>(dirs);
    deepestFirst.sort(Comparator.comparingInt(Path::getNameCount).reversed());
    for (Path d : deepestFirst) {
      try {
        Files.deleteIfExists(d);
      } catch (DirectoryNotEmptyException e) {
        log.info("keeping {} after a failed start: something else is in it", d);
      } catch (IOException e) {
        log.warn("cannot remove {} after a failed start: {}", d, e.toString());
      }
    }
  }
}
