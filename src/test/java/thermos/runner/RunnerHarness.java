package thermos.runner;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import thermos.ckpt.CheckpointFiles;
import thermos.ckpt.CheckpointRecord;
import thermos.ckpt.LogReplay;
import thermos.ckpt.RecordSource;
import thermos.ckpt.Syncer;
import thermos.ckpt.TaskPath;
import thermos.common.FakeClock;
import thermos.config.LoggerConfig;
import thermos.config.TaskConfig;
import thermos.proto.KillRequest;
import thermos.proto.ProcessState;
import thermos.proto.ProcessStatus;
import thermos.proto.RunnerCkpt;
import thermos.proto.RunnerState;
import thermos.proto.TaskState;
import thermos.proto.TaskStatus;

/**
 * A runner on a fake clock and a fake platform, over a real checkpoint root in a temp dir.
 *
 * <p>Records are not fsynced (the fake syncer only counts them), and a runner can be made to die
 * right after it appends its n-th record ({@link #crashAfterRecords}): the record is in the file
 * but the runner never applied or acted on it — the worst moment for a real crash.
 */
final class RunnerHarness implements AutoCloseable {
  /** The simulated death of a runner: an Error, so no runner code mistakes it for a failure. */
  static final class RunnerCrash extends Error {
    RunnerCrash(int records) {
      super("runner crashed (simulated) after appending its record #" + records, null, false,
          false);
    }
  }

  /** Something that drives the runner and may crash it. */
  interface Action {
    void run() throws Exception;
  }

  final FakeClock clock = new FakeClock();
  final FakePlatform platform = new FakePlatform(clock);
  final Path root;
  final TaskConfig task;
  final RunnerConfig config;
  TaskRunner runner;
  /** Runners started so far (the first one included). */
  int runnersStarted;
  /** Simulated crashes so far. */
  int crashes;
  private int runnerPid = 4242;
  /** Crash point of the next runner started: its n-th appended record; 0 = never. */
  private int nextCrashAfter;
  private boolean dead;

  RunnerHarness(Path dir, TaskConfig task) throws Exception {
    this(dir, task, TaskPlanner.RUNNER_RUN_LIMIT);
  }

  RunnerHarness(Path dir, TaskConfig task, int runLimit) throws Exception {
    this(dir, task, runLimit, 0);
  }

  /**
   * @param crashAfter the first runner dies right after appending this many records (0: never);
   *     a crash while starting is survived (a new runner is started)
   */
  RunnerHarness(Path dir, TaskConfig task, int runLimit, int crashAfter) throws Exception {
    this.root = dir.resolve("root");
    this.task = task;
    Path sandbox = dir.resolve("sandbox");
    Files.createDirectories(sandbox);
    this.config = new RunnerConfig(task, "{\"name\": \"" + task.name() + "\"}", "task-1",
        new TaskPath(root), sandbox, sandbox.resolve(".logs"), Map.of(), "tester", 1000,
        "host", LoggerConfig.defaults(), false, Map.of("PATH", "/usr/bin:/bin"),
        Duration.ofSeconds(60), runLimit, RunnerConfig.DEFAULT_LOST_TIMEOUT);
    this.nextCrashAfter = crashAfter;
    survive(this::startRunner);
  }

  /** Makes the next runner started die right after appending its {@code n}-th record. */
  void crashAfterRecords(int n) {
    nextCrashAfter = n;
  }

  /** Opens and starts a runner on the task (a new one after a crash). */
  void startRunner() throws Exception {
    int crashAfter = nextCrashAfter;
    nextCrashAfter = 0;
    int[] appended = {0};
    Syncer syncer = (FileChannel channel) -> {
      appended[0]++;
      if (crashAfter > 0 && appended[0] == crashAfter) {
        dead = true;
        throw new RunnerCrash(appended[0]);
      }
    };
    runner = TaskRunner.open(config, clock, platform, runnerPid++, false, syncer);
    dead = false;
    runnersStarted++;
    runner.start();
  }

  /** The runner dies: its lock is released, processes carry on. */
  void crash() {
    crashes++;
    bury();
  }

  /** Closes a dead (or dying) runner; nothing follows its runs any more. Idempotent. */
  private void bury() {
    platform.runnerCrashed();
    runner.close();
    dead = true;
  }

  /**
   * Runs {@code action}; if the runner crashes meanwhile, simulates the restart (as often as the
   * new runners crash while starting).
   *
   * @return true if the runner crashed
   */
  boolean survive(Action action) throws Exception {
    try {
      action.run();
      return false;
    } catch (RunnerCrash c) {
      crashes++;
      restartAfterCrash();
      return true;
    }
  }

  /** Replaces a runner that died (RunnerCrash) or was {@link #crash() crashed} by a new one. */
  void restartAfterCrash() throws Exception {
    while (true) {
      if (runner != null) {
        bury();
      }
      try {
        startRunner();
        return;
      } catch (RunnerCrash again) {
        crashes++; // the new runner died while starting: start another
      }
    }
  }

  boolean dead() {
    return dead;
  }

  /**
   * Steps until nothing more happens without time passing, as {@link TaskRunner#run()} does: a
   * step that asks to be woken now is followed by another.
   *
   * @return when the runner next needs a step, or {@link TaskRunner#NONE}
   */
  long step() throws IOException {
    for (int i = 0; i < 10_000; i++) {
      long wake = runner.step();
      if (wake > clock.nanoTime() || runner.isTerminal()) {
        return wake;
      }
    }
    throw new AssertionError("the runner keeps asking to be woken at once: it would spin");
  }

  /** Advances the clock to the runner's next timer (if any, and at most {@code max}) and steps. */
  void advanceToNextTimer(Duration max) throws IOException {
    long wake = step();
    long limit = clock.nanoTime() + max.toNanos();
    clock.advanceTo(Math.min(wake, limit));
    step();
  }

  void advance(Duration d) throws IOException {
    clock.advance(d);
    step();
  }

  /** A kill or lose requested in memory (e.g. ^C), with its grace period. */
  void requestKill(TaskState terminal, long graceMs) {
    runner.requestKill(killRequest(terminal, graceMs));
  }

  /** A kill or lose as the CLI sends it: the durable request file, then the signal. */
  void requestDurableKill(TaskState terminal, long graceMs) throws IOException {
    KillRequests.write(config.paths().killRequest(config.taskId()), killRequest(terminal,
        graceMs));
    runner.requestKill((KillRequest) null);
  }

  KillRequest killRequest(TaskState terminal, long graceMs) {
    return KillRequest.newBuilder().setTerminalState(terminal).setGraceMs(graceMs)
        .setRequestedAtMs(clock.currentTimeMillis()).build();
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

  /** The statuses without the duplicates each new runner writes to announce itself. */
  List<TaskState> stages() {
    List<TaskState> stages = new ArrayList<>();
    for (TaskState s : statuses()) {
      if (stages.isEmpty() || stages.get(stages.size() - 1) != s) {
        stages.add(s);
      }
    }
    return stages;
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

  ProcessStatus lastRun(String process) {
    List<ProcessStatus> runs = runs(process);
    return runs.isEmpty() ? null : runs.get(runs.size() - 1);
  }

  /** The state obtained by replaying the checkpoint file from disk. */
  RunnerState replayed() throws IOException {
    LogReplay.Result r = LogReplay.replay(config.checkpoint(), false);
    if (!r.clean()) {
      throw new AssertionError("log does not replay: " + r.problem());
    }
    return r.state().toProto();
  }

  /** Every record in the log file, in order. */
  List<RunnerCkpt> records() throws IOException {
    List<RunnerCkpt> records = new ArrayList<>();
    if (!Files.exists(config.checkpoint())) {
      return records;
    }
    try (RecordSource source = CheckpointFiles.open(config.checkpoint(), 0)) {
      CheckpointRecord r;
      while ((r = source.next()) != null) {
        records.add(r.ckpt());
      }
      if (source.tornTail() != null) {
        throw new AssertionError("torn tail in " + config.checkpoint());
      }
    }
    return records;
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
