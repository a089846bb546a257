package thermos.executor;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.LongPredicate;
import thermos.ckpt.LogReplay;
import thermos.ckpt.TaskPath;
import thermos.common.Clock;
import thermos.runner.local.RunnerProcess;

/** The real {@link ExecutorPlatform}: processes, the file system and /proc. */
final class LocalExecutorPlatform implements ExecutorPlatform {
  static final LocalExecutorPlatform INSTANCE = new LocalExecutorPlatform();

  private LocalExecutorPlatform() {}

  @Override
  public ForkedRunner fork(List<String> command, Path workingDirectory, Path stdout, Path stderr,
      LongPredicate announced) throws IOException {
    Files.createDirectories(stdout.getParent());
    Files.createDirectories(stderr.getParent());
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putIfAbsent(RunnerLauncher.SUSPEND_SIGNAL_VARIABLE,
        RunnerLauncher.SUSPEND_SIGNAL);
    Process p = pb
        .directory(workingDirectory.toFile())
        .redirectInput(Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(Redirect.appendTo(stdout.toFile()))
        .redirectError(Redirect.appendTo(stderr.toFile()))
        .start();
    return new ChildRunner(p, announced);
  }

  @Override
  public CheckpointWatch watch(TaskPath paths, String taskId, Clock clock) {
    return new MonitorCheckpointWatch(paths, taskId, clock);
  }

  @Override
  public KillRequester requester(TaskPath paths, String taskId, Clock clock) {
    return new FileKillRequester(paths, taskId, clock);
  }

  @Override
  public TaskTakeover takeover(TaskPath paths, String taskId, Clock clock) {
    return new LocalTakeover(paths, taskId, clock);
  }

  @Override
  public OptionalLong liveRunner(TaskPath paths, String taskId) {
    Path checkpoint = paths.runnerCheckpoint(taskId);
    if (!Files.exists(checkpoint)) {
      return OptionalLong.empty();
    }
    try {
      return RunnerProcess.find(LogReplay.replay(checkpoint, false).state().statuses())
          .map(r -> OptionalLong.of(r.pid())).orElse(OptionalLong.empty());
    } catch (IOException e) {
      return OptionalLong.empty();
    }
  }
}
