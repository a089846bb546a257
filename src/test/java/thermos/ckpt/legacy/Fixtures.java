package thermos.ckpt.legacy;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The real Thermos checkpoint root in {@code shared/thermos-fixtures/root}, read in place (it is
 * read-only and never copied into the project). Found by walking up from {@code user.dir}, so it
 * works from a worktree and from CI's clone with {@code ../shared} beside it.
 */
public final class Fixtures {
  /** The seven tasks of the fixture root. */
  public static final List<String> TASKS = List.of("failure", "failure_limit", "hello_world",
      "ordering", "ports", "sleep60", "sleep60-lost");

  private static Path root;

  private Fixtures() {}

  /** {@code .../shared/thermos-fixtures/root}; fails the test if it cannot be found. */
  public static synchronized Path root() {
    if (root == null) {
      for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null;
          dir = dir.getParent()) {
        Path candidate = dir.resolve("shared").resolve("thermos-fixtures").resolve("root");
        if (Files.isDirectory(candidate.resolve("checkpoints"))) {
          root = candidate;
          break;
        }
      }
      if (root == null) {
        fail("shared/thermos-fixtures/root not found above " + System.getProperty("user.dir"));
      }
    }
    return root;
  }

  public static Path runner(String taskId) {
    return root().resolve("checkpoints").resolve(taskId).resolve("runner");
  }

  public static Path coordinator(String taskId, String process) {
    return root().resolve("checkpoints").resolve(taskId).resolve("coordinator." + process);
  }
}
