package thermos.executor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.LongPredicate;
import thermos.ckpt.TaskPath;
import thermos.common.Clock;

/**
 * What a {@link ThermosTaskRunner} does to the outside world, so tests can replace all of it:
 * fork the runner, watch the checkpoint, request a kill, take over, find a live runner.
 */
public interface ExecutorPlatform {
  /**
   * Starts the runner; its stdout and stderr go to the given files (appended), never to pipes
   * it could block on.
   *
   * @param announced given the runner's pid: true once it has announced itself in the checkpoint (it may be
   *     signalled from then on)
   */
  ForkedRunner fork(List<String> command, Path workingDirectory, Path stdout, Path stderr,
      LongPredicate announced) throws IOException;

  CheckpointWatch watch(TaskPath paths, String taskId, Clock clock);

  KillRequester requester(TaskPath paths, String taskId, Clock clock);

  TaskTakeover takeover(TaskPath paths, String taskId, Clock clock);

  /** The pid of a live runner the task's checkpoint names (proven by /proc), if any. */
  OptionalLong liveRunner(TaskPath paths, String taskId);

  /** The real platform. */
  static ExecutorPlatform local() {
    return LocalExecutorPlatform.INSTANCE;
  }
}
