package thermos.ckpt.legacy;

import java.nio.file.Path;
import thermos.proto.RunnerHeader;

/** Where a legacy Thermos task keeps what our layout (TaskPath) does not say. */
public final class LegacyLayout {
  private LegacyLayout() {}

  /**
   * The directory holding a task's {@code PROCESS/RUN/stdout|stderr} logs: the header's
   * {@code log_dir} when it has one; otherwise {@code ROOT/logs/TASK_ID}, where 2012-era Thermos
   * (whose headers had no {@code log_dir}) put them. {@code header} may be null.
   */
  public static Path logDir(Path root, String taskId, RunnerHeader header) {
    if (header != null && header.hasLogDir() && !header.getLogDir().isEmpty()) {
      return Path.of(header.getLogDir());
    }
    return rootLogDir(root, taskId);
  }

  /** {@code ROOT/logs/TASK_ID}: the 2012 layout, and where {@code import --copy-logs} copies to. */
  public static Path rootLogDir(Path root, String taskId) {
    return root.resolve("logs").resolve(taskId);
  }
}
