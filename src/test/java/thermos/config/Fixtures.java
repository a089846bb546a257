package thermos.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The Thermos fixtures in {@code shared/thermos-fixtures}, read in place: found by walking up
 * from the working directory (the project dir under Maven, {@code ../shared} beside it).
 */
public final class Fixtures {
  private Fixtures() {}

  /** {@code shared/thermos-fixtures}; fails (never skips) when it cannot be found. */
  public static Path root() {
    Path start = Paths.get(System.getProperty("user.dir")).toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared").resolve("thermos-fixtures");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("shared/thermos-fixtures not found in " + start
        + " or any directory above it");
  }

  /** {@code tasks/active} or {@code tasks/finished} of the fixture root. */
  public static Path tasksDir(String state) {
    return root().resolve("root").resolve("tasks").resolve(state);
  }

  /** A task JSON file, e.g. {@code task("finished", "hello_world")}. */
  public static Path task(String state, String taskId) {
    return tasksDir(state).resolve(taskId);
  }
}
