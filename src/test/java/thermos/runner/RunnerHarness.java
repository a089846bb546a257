package thermos.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import thermos.ckpt.LogReplay;
import thermos.ckpt.TaskPath;
import thermos.common.FakeClock;
import thermos.config.LoggerConfig;
import thermos.config.TaskConfig;
import thermos.proto.ProcessState;
import thermos.proto.ProcessStatus;
import thermos.proto.RunnerState;
import thermos.proto.TaskState;
import thermos.proto.TaskStatus;

/** A runner on a fake clock and a fake platform, over a real checkpoint root in a temp dir. */
final class RunnerHarness implements AutoCloseable {
  final FakeClock clock = new FakeClock();
  final FakePlatform platform = new FakePlatform(clock);
  final Path root;
  final TaskConfig task;
  final RunnerConfig config;
  TaskRunner runner;
  private int runnerPid = 4242;

  RunnerHarness(Path dir, TaskConfig task) throws Exception {
    this(dir, task, TaskPlanner.RUNNER_RUN_LIMIT);
  }

  RunnerHarness(Path dir, TaskConfig task, int runLimit) throws Exception {
    this.root = dir.resolve("root");
    this.task = task;
    Path sandbox = dir.resolve("sandbox");
    Files.createDirectories(sandbox);
    this.config = new RunnerConfig(task, "{\"name\": \"" + task.name() + "\"}", "task-1",
        new TaskPath(root), sandbox, sandbox.resolve(".logs"), Map.of(), "tester", 1000,
        "host", LoggerConfig.defaults(), false, Map.of("PATH", "/usr/bin:/bin"),
        Duration.ofSeconds(60), runLimit, RunnerConfig.DEFAULT_LOST_TIMEOUT);
    startRunner();
  }

  /** Opens and starts a runner on the task (a new one after a crash). */
  void startRunner() throws Exception {
    runner = TaskRunner.open(config, clock, platform, runnerPid++, false);
    runner.start();
  }

  /** The runner dies: its lock is released, processes carry on. */
  void crash() {
    platform.runnerCrashed();
    runner.close();
  }

  /** Steps until nothing more happens without time passing. */
  long step() throws IOException {
    return runner.step();
  }

  /** Advances the clock to the runner's next timer (if any, and at most {@code max}) and steps. */
  void advanceToNextTimer(Duration max) throws IOException {
    long wake = runner.step();
    long limit = clock.nanoTime() + max.toNanos();
    clock.advanceTo(Math.min(wake, limit));
    runner.step();
  }

  void advance(Duration d) throws IOException {
    clock.advance(d);
    runner.step();
  }

  RunnerState state() {
    return runner.snapshot();
  }

  TaskState taskState() {
    return runner.taskState();
  }

  List<TaskState> statuses() {
    List<TaskState> states = new ArrayList<>();
    for (TaskStatus s : state().getStatusesList()) {
      states.add(s.getState());
    }
    return states;
  }

  List<ProcessStatus> runs(String process) {
    var h = state().getProcessesMap().get(process);
    return h == null ? List.of() : h.getRunsList();
  }

  List<ProcessState> runStates(String process) {
    List<ProcessState> states = new ArrayList<>();
    for (ProcessStatus r : runs(process)) {
      states.add(r.getState());
    }
    return states;
  }

  /** The state obtained by replaying the checkpoint file from disk. */
  RunnerState replayed() throws IOException {
    LogReplay.Result r = LogReplay.replay(config.checkpoint(), false);
    if (!r.clean()) {
      throw new AssertionError("log does not replay: " + r.problem());
    }
    return r.state().toProto();
  }

  Path activeSentinel() {
    return config.paths().activeTaskFile(config.taskId());
  }

  Path finishedSentinel() {
    return config.paths().finishedTaskFile(config.taskId());
  }

  @Override
  public void close() {
    if (runner != null) {
      runner.close();
    }
  }
}
