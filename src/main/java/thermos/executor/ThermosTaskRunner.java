package thermos.executor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import thermos.ckpt.TaskPath;
import thermos.common.Clock;
import thermos.config.TaskConfig;
import thermos.proto.TaskState;
import thermos.runner.Termination;

/**
 * The executor side of one task (Thermos' ThermosTaskRunner, SEMANTICS.md §1h): forks the
 * runner JVM and follows the task through its checkpoint.
 *
 * <ul>
 *   <li>{@link #start} validates the task, writes its JSON, forks the runner (its output to
 *       files) and returns once the checkpoint shows the task started; raises with the runner's
 *       reason if it exits first; loses the task and raises if it does not start in time.
 *   <li>{@link #status} maps the runner's exit and the checkpoint to FINISHED / FAILED / KILLED
 *       / LOST with Thermos' reasons ({@link RunnerStatus}), and keeps the first answer.
 *   <li>{@link #kill} / {@link #lose} ask the runner (a durable request, then SIGUSR1/SIGUSR2);
 *       only the first of them counts. One that comes before or during {@link #start} is not
 *       lost: it is written just before the fork (or at once if the fork is under way) and the
 *       runner reads it as it boots. {@link #takeover} is Thermos' quitquitquit.
 *   <li>{@link #stop} is DESIGN.md §5 ({@link TaskStopper}), within its timeout. A stop during
 *       {@link #start} waits for the fork and stops what it started; a runner that has not
 *       started the task yet is SIGKILLed and what it wrote discarded ({@link
 *       ForkedRunnerStop}), and the task is KILLED "Task killed during initialization.".
 * </ul>
 *
 * Thread-safe. Closing it stops following the checkpoint; the runner and task live on.
 */
public final class ThermosTaskRunner implements TaskLifecycle, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ThermosTaskRunner.class);
  public static final Duration DEFAULT_PREEMPTION_WAIT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(120);
  /** What {@link #takeover()} allows beyond the grace and slack. */
  private static final Duration TAKEOVER_ALLOWANCE = Duration.ofSeconds(30);

  private final ThermosTaskRunnerBuilder config;
  private final String taskId;
  private final TaskPath paths;
  private final Clock clock;
  private final ExecutorPlatform platform;
  private final KillRequester requester;
  private final TaskTakeover takeover;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();
  private final Object stopLock = new Object();

  private final StartGate gate;
  private final ForkedRunnerStop stopper;
  private Thread follower; // guarded by lock
  private volatile ForkedRunner runner;
  private volatile CheckpointWatch watch;
  private volatile StatusResult status;
  private volatile boolean closed;

  /** A runner for the task in {@code taskJson} (Thermos task JSON). */
  public static ThermosTaskRunnerBuilder builder(Path taskJson, String taskId, Path sandbox,
      Path checkpointRoot) {
    return new ThermosTaskRunnerBuilder(taskJson, null, taskId, sandbox, checkpointRoot);
  }

  /** A runner for {@code task}. */
  public static ThermosTaskRunnerBuilder builder(TaskConfig task, String taskId, Path sandbox,
      Path checkpointRoot) {
    return new ThermosTaskRunnerBuilder(null, task, taskId, sandbox, checkpointRoot);
  }

  ThermosTaskRunner(ThermosTaskRunnerBuilder b) {
    this.config = b;
    this.taskId = b.taskId;
    this.paths = new TaskPath(b.checkpointRoot);
    this.clock = b.clock;
    this.platform = b.platform;
    this.requester = platform.requester(paths, taskId, clock);
    this.takeover = platform.takeover(paths, taskId, clock);
    this.gate = new StartGate(taskId, requester, b.preemptionWait, clock);
    this.stopper = new ForkedRunnerStop(taskId, requester, takeover, clock, b.budget);
  }

  public String taskId() {
    return taskId;
  }

  public TaskPath paths() {
    return paths;
  }

  public Path sandbox() {
    return config.sandbox;
  }

  @Override
  public Map<String, Integer> ports() {
    return config.ports;
  }

  public Duration preemptionWait() {
    return config.preemptionWait;
  }

  /** The runner this executor forked, once {@link #start} has forked it. */
  public Optional<ForkedRunner> runner() {
    return Optional.ofNullable(runner);
  }

  /** The runner's own stdout and stderr. */
  public Path runnerStdout() {
    return config.runnerDir.resolve("runner.stdout");
  }

  public Path runnerStderr() {
    return config.runnerDir.resolve("runner.stderr");
  }

  @Override
  public Duration minimumStopTimeout() {
    return config.budget.minimumTimeout(config.preemptionWait);
  }

  // ---- start ----

  /** {@link #start(Duration)} with {@link #DEFAULT_START_TIMEOUT}. */
  public void start() throws TaskError, InterruptedException {
    start(DEFAULT_START_TIMEOUT);
  }

  @Override
  public void start(Duration timeout) throws TaskError, InterruptedException {
    gate.begin();
    long deadline = clock.nanoTime() + timeout.toNanos();
    RunnerStarter.Forked forked;
    try {
      forked = RunnerStarter.fork(config, paths, platform, clock, runnerStdout(), runnerStderr(),
          gate);
      watch = forked.watch();
      runner = forked.runner();
    } finally {
      gate.settle();
    }
    startFollowerIfNeeded();
    boolean started;
    try {
      started = RunnerStarter.awaitStart(forked.runner(), forked.watch(), deadline, clock,
          runnerStderr());
    } catch (TaskError e) {
      throw killedDuringInitialization().orElse(e);
    }
    if (!started) {
      Optional<TaskError> killed = killedDuringInitialization();
      lose();
      throw killed.orElseGet(() -> new TaskError("Task did not start within deadline."));
    }
  }

  /** A kill or lose asked for before the task started: what start() raises instead. */
  private Optional<TaskError> killedDuringInitialization() {
    return gate.requested().map(t -> new TaskError(duringInitialization(t).reason()));
  }

  /** Aurora's status for a task stopped before it started. */
  static StatusResult duringInitialization(TaskState terminal) {
    return terminal == TaskState.LOST
        ? new StatusResult(ExecutorState.LOST, "Task lost during initialization.")
        : new StatusResult(ExecutorState.KILLED, "Task killed during initialization.");
  }

  // ---- status ----

  @Override
  public Optional<StatusResult> status() {
    StatusResult latched = status;
    if (latched != null) {
      return Optional.of(latched);
    }
    ForkedRunner r = runner;
    CheckpointWatch w = watch;
    if (r == null || w == null) {
      return Optional.empty();
    }
    // The exit first: a runner that has exited has written all it ever will.
    Optional<Termination> exit = r.termination();
    CheckpointSnapshot s = w.read();
    Optional<StatusResult> computed = RunnerStatus.compute(exit, s);
    if (computed.isPresent() && !s.isCorrupt()) {
      // The answer is final: confirm it on the whole log, which may be damaged where the watch
      // had already read.
      CheckpointSnapshot whole = w.reread();
      if (whole.isCorrupt()) {
        computed = RunnerStatus.compute(exit, whole);
      }
    }
    return computed.map(this::latch);
  }

  /** Keeps the first status for good. */
  private StatusResult latch(StatusResult result) {
    synchronized (lock) {
      if (status == null) {
        status = result;
        log.info("task {}: {}", taskId, status);
      }
      return status;
    }
  }

  @Override
  public String name() {
    return "thermos_runner";
  }

  @Override
  public boolean awaitTerminal(Duration timeout) throws InterruptedException {
    long deadline = clock.nanoTime() + timeout.toNanos();
    while (true) {
      if (status().isPresent()) {
        return true;
      }
      ForkedRunner r = runner;
      CheckpointWatch w = watch;
      long now = clock.nanoTime();
      if (r == null || w == null || closed || now >= deadline) {
        return false;
      }
      w.await(Duration.ofNanos(deadline - now), r.onExit());
    }
  }

  /** Tells {@code onChange} of every checkpoint change and of the runner's exit. */
  @Override
  public void addListener(Runnable onChange) {
    listeners.add(onChange);
    startFollowerIfNeeded();
  }

  private void startFollowerIfNeeded() {
    synchronized (lock) {
      if (follower != null || listeners.isEmpty() || runner == null) {
        return;
      }
      follower = new Thread(this::follow, "thermos-follow-" + taskId);
      follower.setDaemon(true);
      follower.start();
    }
  }

  private void follow() {
    try {
      while (!closed) {
        boolean over = status().isPresent();
        listeners.forEach(Runnable::run);
        if (over) {
          return;
        }
        watch.await(Duration.ofSeconds(10), runner.onExit());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- kill, lose, takeover ----

  /** Asks the runner to kill the task with the preemption wait as grace. */
  public void kill() {
    terminate(TaskState.KILLED);
  }

  /** Asks the runner to lose the task: no grace, no finalizers, LOST. */
  public void lose() {
    terminate(TaskState.LOST);
  }

  private void terminate(TaskState wanted) {
    if (!gate.request(wanted)) {
      return;
    }
    ForkedRunner r = runner;
    if (r == null) {
      log.info("task {}: runner being forked; it reads the request as it boots", taskId);
    } else if (!r.isAlive()) {
      log.info("task {}: runner is dead, skipping kill", taskId);
    } else if (!r.wake(wanted == TaskState.LOST)) {
      log.info("task {}: runner not signalled (not announced yet); it reads the request", taskId);
    }
  }

  /**
   * Thermos' quitquitquit: takes the task over in this JVM (killing a verified live runner) and
   * kills it with the preemption wait, with the task's recorded settings.
   *
   * @return the task's terminal state
   */
  public TaskState takeover() throws TaskError, InterruptedException {
    long deadline = clock.nanoTime() + minimumStopTimeout().plus(TAKEOVER_ALLOWANCE).toNanos();
    return takeover.takeOver(TaskState.KILLED, config.preemptionWait, deadline);
  }

  // ---- stop ----

  /** {@link #stop(Duration)} with the configured stop timeout. */
  public Optional<TaskState> stop() throws TaskError, InterruptedException {
    return stop(config.stopTimeout);
  }

  /**
   * DESIGN.md §5. A preemption wait that does not fit {@code timeout} is clamped (see {@link
   * StopBudget}); after a {@link #lose()} the stop loses the task.
   *
   * @throws IllegalArgumentException if {@code timeout} does not exceed the stop slack
   */
  @Override
  public Optional<TaskState> stop(Duration timeout) throws TaskError, InterruptedException {
    synchronized (stopLock) {
      long deadline = clock.nanoTime() + timeout.toNanos();
      gate.requireStarted();
      // Rejects an impossible timeout (IllegalArgumentException) before anything is done.
      Duration killGrace = config.budget.graceWithin(config.preemptionWait, timeout);
      TaskState terminal = gate.stopping(killGrace);
      gate.awaitFork(deadline);
      ForkedRunner r = runner;
      CheckpointWatch w = watch;
      if (r == null) {
        return Optional.empty(); // start failed before forking: nothing was launched
      }
      try {
        ForkedRunnerStop.Outcome o = stopper.stop(terminal, gate.graceOf(terminal), r, w,
            deadline);
        if (o.killedUnstarted()) {
          latch(duringInitialization(terminal));
        }
        return Optional.ofNullable(o.state());
      } catch (TaskError e) {
        if (w.reread().isCorrupt()) {
          latch(RunnerStatus.fromState(null)); // Thermos' "Task checkpoint could not be read."
        }
        throw e;
      }
    }
  }

  /** Stops following the checkpoint. The runner (a separate process) and the task live on. */
  @Override
  public void close() {
    closed = true;
    CheckpointWatch w = watch;
    if (w != null) {
      w.close();
    }
  }
}
