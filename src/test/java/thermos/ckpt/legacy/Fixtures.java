package thermos.ckpt.legacy;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.List;
import thermos.common.SharedFixtures;

/**
 * The real Thermos checkpoint root in {@code shared/thermos-fixtures/root}, read in place (it is
 * read-only and never copied into the project), found by {@link SharedFixtures}.
 */
public final class Fixtures {
  /** The seven tasks of the fixture root. */
  public static final List<String> TASKS = List.of("failure", "failure_limit", "hello_world",
      "ordering", "ports", "sleep60", "sleep60-lost");

  private Fixtures() {}

  /** {@code .../shared/thermos-fixtures/root}; fails the test if it cannot be found. */
  public static Path root() {
    try {
      return SharedFixtures.dir().resolve("root");
    } catch (IllegalStateException e) {
      return fail(e.getMessage());
    }
  }

  public static Path runner(String taskId) {
    return root().resolve("checkpoints").resolve(taskId).resolve("runner");
  }

  public static Path coordinator(String taskId, String process) {
    return root().resolve("checkpoints").resolve(taskId).resolve("coordinator." + process);
  }
}
