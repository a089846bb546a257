package thermos.executor;

import java.io.IOException;
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
  /** Thrown by fork (after the hook), e.g. a missing executable. */
  IOException forkFailure;
  /** Runs inside fork, before the runner exists: where a test lets a stop or kill race it. */
  Runnable duringFork = () -> {};
  /** Runs when start() opens the checkpoint watch, while it still checks and writes. */
  Runnable whilePreparing = () -> {};
  /** The kill requester; default the scripted one. */
  KillRequester requester;

  FakeExecutorPlatform(Scenario sc) {
    this.sc = sc;
    this.boot = r -> sc.w.after(Duration.ofMillis(300), r::announce);
  }

  @Override
  public ForkedRunner fork(List<String> cmd, Path cwd, Path stdout, Path stderr,
      LongPredicate announcedTest) throws IOException {
    forks++;
    duringFork.run();
    if (forkFailure != null) {
      throw forkFailure;
    }
    command = cmd;
    announced = announcedTest;
    sc.runner.announced = announcedTest;
    boot.accept(sc.runner);
    return sc.runner;
  }

  @Override
  public CheckpointWatch watch(TaskPath paths, String taskId, Clock clock) {
    whilePreparing.run();
    return sc.w.checkpoint;
  }

  @Override
  public KillRequester requester(TaskPath paths, String taskId, Clock clock) {
    return requester != null ? requester : sc.requester();
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
