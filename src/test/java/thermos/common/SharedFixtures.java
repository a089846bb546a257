package thermos.common;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds {@code shared/thermos-fixtures} (read in place, never copied into the project): the
 * {@code thermos.fixtures} system property or {@code THERMOS_FIXTURES} environment variable if
 * set, else a {@code shared/thermos-fixtures} beside the working directory or any directory
 * above it (CI's clone and every worktree sit beside {@code shared/}).
 */
public final class SharedFixtures {
  private static Path found;

  private SharedFixtures() {}

  /** The fixtures directory; throws (never skips) when it cannot be found. */
  public static synchronized Path dir() {
    if (found != null) {
      return found;
    }
    List<Path> tried = new ArrayList<>();
    String explicit = System.getProperty("thermos.fixtures", System.getenv("THERMOS_FIXTURES"));
    if (explicit != null && !explicit.isEmpty()) {
      tried.add(Path.of(explicit));
    }
    for (Path d = Path.of(System.getProperty("user.dir")).toAbsolutePath(); d != null;
        d = d.getParent()) {
      tried.add(d.resolve("shared").resolve("thermos-fixtures"));
    }
    for (Path candidate : tried) {
      if (Files.isDirectory(candidate.resolve("root").resolve("checkpoints"))) {
        found = candidate;
        return found;
      }
    }
    throw new IllegalStateException("shared/thermos-fixtures not found (set -Dthermos.fixtures"
        + " or THERMOS_FIXTURES); looked in " + tried);
  }
}
