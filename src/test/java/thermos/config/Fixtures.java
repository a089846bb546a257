package thermos.config;

import java.nio.file.Path;
import thermos.common.SharedFixtures;

/**
 * The Thermos fixtures in {@code shared/thermos-fixtures}, read in place (found by {@link
 * SharedFixtures}).
 */
public final class Fixtures {
  private Fixtures() {}

  /** {@code shared/thermos-fixtures}; fails (never skips) when it cannot be found. */
  public static Path root() {
    return SharedFixtures.dir();
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
