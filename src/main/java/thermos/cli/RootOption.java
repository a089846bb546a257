package thermos.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import thermos.ckpt.TaskPath;

/** {@code --root R}: the checkpoint root; default {@code $THERMOS_ROOT}, else {@code ~/.thermos}. */
public final class RootOption {
  @Option(names = "--root", paramLabel = "ROOT",
      description = "Checkpoint root (default: $THERMOS_ROOT, else ~/.thermos).")
  private Path root;

  public Path root() {
    return root != null ? root : TaskPath.defaultRoot();
  }

  /** True if {@code --root} was given (else the root is the default). */
  public boolean given() {
    return root != null;
  }

  public TaskPath paths() {
    return new TaskPath(root());
  }
}
