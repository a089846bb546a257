package thermos.executor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.LongPredicate;
import thermos.ckpt.TaskPath;
import thermos.common.Clock;

/** An {@link ExecutorPlatform} over a {@link Scenario}: forking "starts" its fake runner. */
final class FakeExecutorPlatform implements ExecutorPlatform {
  final Scenario sc;
  int forks;
  List<String> command;
  LongPredicate announced;
  /** What the runner does once forked; default: announces itself after 300 ms. */
  Consumer<FakeRunner> boot;
  OptionalLong liveRunner = OptionalLong.empty();

  FakeExecutorPlatform(Scenario sc) {
    this.sc = sc;
    this.boot = r -> sc.w.after(Duration.ofMillis(300), r::announce);
  }

  @Override
  public ForkedRunner fork(List<String> cmd, Path cwd, Path stdout, Path stderr,
      LongPredicate announcedTest) {
    forks++;
    command = cmd;
    announced = announcedTest;
    sc.runner.announced = announcedTest;
    boot.accept(sc.runner);
    return sc.runner;
  }

  @Override
  public CheckpointWatch watch(TaskPath paths, String taskId, Clock clock) {
    return sc.w.checkpoint;
  }

  @Override
  public KillRequester requester(TaskPath paths, String taskId, Clock clock) {
    return sc.requester();
  }

  @Override
  public TaskTakeover takeover(TaskPath paths, String taskId, Clock clock) {
    return sc.w.takeover;
  }

  @Override
  public OptionalLong liveRunner(TaskPath paths, String taskId) {
    return liveRunner;
  }
}
