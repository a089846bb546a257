package thermos.runner;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import thermos.ckpt.CheckpointDispatcher;
import thermos.ckpt.ReplayState;
import thermos.ckpt.States;
import thermos.ckpt.Syncer;
import thermos.ckpt.UniversalStateHandler;
import thermos.common.Clock;
import thermos.proto.KillRequest;
import thermos.proto.ProcessState;
import thermos.proto.ProcessStatus;
import thermos.proto.RunnerHeader;
import thermos.proto.RunnerState;
import thermos.proto.TaskState;

/**
 * Runs one task to a terminal state (DESIGN.md §4): one event loop owns the state; process
 * exits, timers and kill requests are events; every transition is written to the checkpoint
 * (checked, fsynced) before it is acted on.
 *
 * <p>Use: {@link #open} (takes the log's lock and replays it), {@link #start} (announces this
 * runner, writes the header, resumes or launches), then {@link #run} — or, in tests, {@link
 * #step} with a fake clock and platform.
 */
public final class TaskRunner implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);
  static final long NONE = Long.MAX_VALUE;

  private final RunnerConfig config;
  private final Clock clock;
  private final ProcessPlatform platform;
  private final ReplayState state = new ReplayState();
  private final CheckpointDispatcher dispatcher = new CheckpointDispatcher();
  private final Plans plans;
  private final Sentinels sentinels;
  private final RunTable runs;
  private final Stages stages;
  private final BlockingQueue<RunnerEvent> queue = new LinkedBlockingQueue<>();
  private final int runnerPid;
  /** This process's uid, which its statuses record (the task's user's is in the header). */
  private final int runnerUid = thermos.runner.local.ProcTable.currentUid();
  private RunnerLog runnerLog;

  private TaskRunner(RunnerConfig config, Clock clock, ProcessPlatform platform, int runnerPid) {
    this.config = config;
    this.clock = clock;
    this.platform = platform;
    this.runnerPid = runnerPid;
    this.plans = new Plans(config.task(), clock, config.runLimit());
    this.sentinels = new Sentinels(config.paths(), config.taskId());
    this.runs = new RunTable(config, clock, platform, state, this::write, events());
    this.stages = new Stages(config, clock, plans, runs, this::writeStatus, state,
        this::finishSentinel);
    dispatcher.register(plans);
  }

  /**
   * Takes the task's checkpoint (its lock) and replays it in recovery mode.
   *
   * @throws RunnerException 103 if another runner holds the log or it cannot be replayed, 105 if
   *     the task is already terminal (or its id was used by a finished task)
   */
  public static TaskRunner open(RunnerConfig config, Clock clock, ProcessPlatform platform)
      throws RunnerException {
    return open(config, clock, platform, (int) ProcessHandle.current().pid(), false);
  }

  static TaskRunner open(RunnerConfig config, Clock clock, ProcessPlatform platform,
      int runnerPid, boolean waitForLock) throws RunnerException {
    return open(config, clock, platform, runnerPid, waitForLock, Syncer.FORCE);
  }

  /**
   * Test hook: {@code syncer} makes each appended record durable (simulation tests skip the
   * fsync, and crash the runner right after a chosen record).
   */
  static TaskRunner open(RunnerConfig config, Clock clock, ProcessPlatform platform,
      int runnerPid, boolean waitForLock, Syncer syncer) throws RunnerException {
    TaskRunner runner = new TaskRunner(config, clock, platform, runnerPid);
    runner.recover(waitForLock, syncer);
    return runner;
  }

  private void recover(boolean waitForLock, Syncer syncer) throws RunnerException {
    runnerLog = LogOpener.open(config, sentinels, state, dispatcher, waitForLock, syncer);
  }

  /** Tells {@code listener} about every transition this runner writes from now on. */
  public void addListener(UniversalStateHandler listener) {
    dispatcher.register(listener);
  }

  /**
   * Announces this runner (a TaskStatus of the current state with its pid), writes the header on
   * a fresh task, creates the active sentinel, and resumes what an earlier runner left.
   */
  public void start() throws IOException {
    boolean fresh = state.lastStatus() == null;
    TaskState current = fresh ? TaskState.ACTIVE : state.taskState();
    writeStatus(current);
    if (state.header() == null) {
      if (config.preserveEnv()) {
        // Before the header says preserve_env: whoever reads that finds the environment.
        PreservedEnvironment.write(PreservedEnvironment.fileOf(config.paths(), config.taskId()),
            config.environment());
      }
      write(thermos.proto.RunnerCkpt.newBuilder().setRunnerHeader(header()).build());
    }
    if (!sentinels.activeExists()) {
      sentinels.writeActive(config.taskJson());
    }
    stages.resume(current);
    runs.resume(plans, current);
    KillRequests.read(config.paths().killRequest(config.taskId()))
        .ifPresent(r -> stages.kill(r, true));
  }

  private RunnerHeader header() {
    RunnerHeader.Builder h = RunnerHeader.newBuilder()
        .setTaskId(config.taskId())
        .setLaunchTimeMs(clock.currentTimeMillis())
        .setSandbox(config.sandbox().toString())
        .setHostname(config.hostname())
        .setUser(config.user())
        .setLogDir(config.logDir().toString())
        .setSettings(RunnerSettingsCodec.encode(config));
    config.ports().forEach((name, port) -> h.putPorts(name, port));
    if (config.uid() != null) {
      h.setUid(config.uid());
    }
    return h.build();
  }

  // ---- the loop ----

  /**
   * Runs until the task is terminal; returns its final state. An unexpected error is not
   * swallowed (difference 5): the task is torn down as LOST if the log can still be written —
   * else its processes are killed — and the error is rethrown.
   */
  public TaskState run() throws IOException, InterruptedException {
    try {
      return loop();
    } catch (IOException | RuntimeException e) {
      log.error("runner failed; tearing task {} down", config.taskId(), e);
      abort(e);
      throw e;
    }
  }

  private void abort(Exception cause) {
    try {
      stages.abort();
      queue.clear();
      stages.advance();
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
      log.error("cannot record the teardown; killing the task's processes unrecorded");
      runs.killUnrecorded();
    }
  }

  private TaskState loop() throws IOException, InterruptedException {
    List<RunnerEvent> pending = new ArrayList<>();
    while (true) {
      long wake = step(pending);
      pending.clear();
      if (isTerminal()) {
        return state.taskState();
      }
      long waitNanos = wake == NONE ? TimeUnit.SECONDS.toNanos(60) : wake - clock.nanoTime();
      if (waitNanos > 0) {
        RunnerEvent e = queue.poll(waitNanos, TimeUnit.NANOSECONDS);
        if (e != null) {
          pending.add(e);
        }
      }
    }
  }

  /**
   * Applies every queued event and makes every decision that is due.
   *
   * @return the {@link Clock#nanoTime()} at which a timer next needs a step, or {@link #NONE}
   */
  public long step() throws IOException {
    return step(List.of());
  }

  private long step(List<RunnerEvent> first) throws IOException {
    for (RunnerEvent e : first) {
      apply(e);
    }
    do {
      RunnerEvent e;
      while ((e = queue.poll()) != null) {
        apply(e);
      }
      if (isTerminal()) {
        return NONE;
      }
      stages.advance();
      runs.killEndedTrees();
      // Acting (a signal, a launch) may already have produced events: apply them now.
    } while (!queue.isEmpty() && !isTerminal());
    return isTerminal() ? NONE : stages.nextWake();
  }

  private void apply(RunnerEvent e) throws IOException {
    if (isTerminal()) {
      return;
    }
    if (e instanceof RunnerEvent.Running r) {
      runs.onRunning(r);
    } else if (e instanceof RunnerEvent.Exited x) {
      runs.onExited(x);
    } else if (e instanceof RunnerEvent.Vanished v) {
      runs.onVanished(v);
    } else if (e instanceof RunnerEvent.Kill k) {
      stages.kill(durable(k), false);
    }
  }

  /**
   * The request a kill event stands for, made durable before anything acts on it: a runner that
   * dies after writing CLEANING must leave its successor the kill (its outcome and deadline),
   * or the successor would take the CLEANING for a natural one.
   */
  private KillRequest durable(RunnerEvent.Kill k) {
    Path file = config.paths().killRequest(config.taskId());
    Optional<KillRequest> pending = KillRequests.read(file);
    // No request of its own (the file was to say, but is gone): a kill with the default grace.
    KillRequest wanted = k.request() != null ? k.request() : defaultKill(TaskState.KILLED);
    if ((k.request() == null || k.fileFirst()) && pending.isPresent()) {
      return pending.get();
    }
    if (pending.isPresent() && pending.get().equals(wanted)) {
      return wanted; // read from the file itself (a file event): durable already
    }
    try {
      return KillRequests.write(file, wanted);
    } catch (IOException ex) {
      // Still acted on (the log's next record may fail as well, and then nothing matters).
      log.warn("cannot record the kill request in {}: {}; a restarted runner will not know it",
          file, ex.toString());
      return pending.map(p -> KillRequests.merge(p, wanted)).orElse(wanted);
    }
  }

  // ---- requests from other threads ----

  /**
   * Kill (KILLED) or lose (LOST) the task. {@code request} null: the pending request file says
   * what. Otherwise the runner records {@code request} in the request file (merged with a pending
   * one, so no deadline is extended) before it acts on it.
   */
  public void requestKill(KillRequest request) {
    queue.add(new RunnerEvent.Kill(request, request == null));
  }

  /**
   * Kill with the runner's default grace period, or lose: what SIGUSR1 (SIGTERM, ^C) and SIGUSR2
   * mean. A kill defers to a pending request file (the CLI writes the file, then signals); a lose
   * is always a lose with no grace, merged with whatever is pending.
   */
  public void requestKill(TaskState terminalState) {
    queue.add(new RunnerEvent.Kill(defaultKill(terminalState),
        terminalState != TaskState.LOST));
  }

  /** A kill (grace = the runner's preemption wait) or a lose (no grace), requested now. */
  KillRequest defaultKill(TaskState terminalState) {
    long grace = terminalState == TaskState.LOST ? 0 : config.preemptionWait().toMillis();
    return KillRequest.newBuilder().setTerminalState(terminalState).setGraceMs(grace)
        .setRequestedAtMs(clock.currentTimeMillis()).build();
  }

  /** Makes the loop look again (a file it cares about changed). */
  public void wake() {
    queue.add(new RunnerEvent.Wake());
  }

  // ---- state ----

  public boolean isTerminal() {
    TaskState s = state.taskState();
    return s != null && States.isTerminal(s);
  }

  /** The current task state (ACTIVE before the first status). */
  public TaskState taskState() {
    TaskState s = state.taskState();
    return s == null ? TaskState.ACTIVE : s;
  }

  /** A copy of the live state (what replaying the log gives). */
  public RunnerState snapshot() {
    return state.toProto();
  }

  /** Processes still followed (not terminal), by name. */
  Map<String, RunRef> liveRuns() {
    return runs.live();
  }

  @Override
  public void close() {
    closeQuietly();
  }

  private void closeQuietly() {
    if (runnerLog != null) {
      try {
        runnerLog.close();
      } catch (IOException e) {
        log.warn("closing checkpoint: {}", e.toString());
      }
      runnerLog = null;
    }
  }

  // ---- writing ----

  private void write(thermos.proto.RunnerCkpt ckpt) throws IOException {
    runnerLog.write(ckpt);
  }

  private void writeStatus(TaskState s) throws IOException {
    write(Records.taskStatus(s, clock.currentTimeMillis(), runnerPid, runnerUid));
  }

  private void finishSentinel() throws IOException {
    sentinels.finish(config.taskJson());
  }

  private ProcessEvents events() {
    return new ProcessEvents() {
      @Override
      public void running(String process, int run, int pid, double startTime) {
        queue.add(new RunnerEvent.Running(process, run, pid, startTime));
      }

      @Override
      public void exited(String process, int run, Termination t, double stopTime) {
        queue.add(new RunnerEvent.Exited(process, run, t, stopTime));
      }

      @Override
      public void vanished(String process, int run) {
        queue.add(new RunnerEvent.Vanished(process, run));
      }
    };
  }

  /** The latest run of {@code process} as the checkpoint has it, or null. */
  ProcessStatus latestRun(String process) {
    return state.latestRun(process);
  }

  static boolean isLive(ProcessState s) {
    return s == ProcessState.FORKED || s == ProcessState.RUNNING;
  }
}
