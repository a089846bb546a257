package thermos.executor;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import thermos.ckpt.States;
import thermos.ckpt.TaskPath;
import thermos.common.Clock;
import thermos.proto.TaskState;

/**
 * Stops a task, deciding only on its checkpoint (DESIGN.md §5):
 *
 * <ol>
 *   <li>checkpoint already terminal → return at once;
 *   <li>record a durable kill request carrying the grace {@code g} (clamped so that
 *       {@code g + slack < timeout}, see {@link StopBudget}), which the runner watches; signal
 *       it only if its stage has not moved {@link #WAKE_AFTER} later;
 *   <li>wait — on checkpoint file events and the runner's exit, never a poll loop — until the
 *       checkpoint is terminal, for at most {@code g + runnerSlack};
 *   <li>if it is not (runner dead, hung or too slow): take the task over, by the deadline;
 *   <li>raise only if even that cannot reach a terminal state, with the reason.
 * </ol>
 *
 * Liveness only chooses whom to signal and when to stop waiting for the runner. Every wait is
 * on the injected clock and {@link CheckpointWatch}, so tests drive a stop deterministically.
 */
public final class TaskStopper {
  private static final Logger log = LoggerFactory.getLogger(TaskStopper.class);
  /** The whole fixed slack beyond the grace (runner slack + takeover reserve). */
  public static final Duration SLACK = StopBudget.DEFAULT.slack();
  /**
   * A live runner watches its request file and acts on it within a millisecond or so; the
   * signal (SIGUSR1/SIGUSR2, Thermos' protocol) is only the fallback for one that has not moved
   * by then — forking {@code kill} for every stop would cost more than the whole stop.
   */
  static final Duration WAKE_AFTER = Duration.ofMillis(25);
  /** What the deadline-less {@link #stop(TaskState, Duration, RunnerHandle)} gives a takeover. */
  static final Duration UNBOUNDED_TAKEOVER = Duration.ofSeconds(30);

  /** How a stop ended. */
  public record Result(TaskState state, boolean tookOver) {}

  private final String taskId;
  private final CheckpointWatch checkpoint; // null: open a monitor per stop
  private final TaskPath paths;
  private final KillRequester requester;
  private final TaskTakeover takeover;
  private final Clock clock;
  private final StopBudget budget;

  /** A stopper on the real checkpoint, opening a monitor for each stop (the CLI). */
  public TaskStopper(TaskPath paths, String taskId, Clock clock) {
    this(taskId, null, paths, new FileKillRequester(paths, taskId, clock),
        new LocalTakeover(paths, taskId, clock), clock, StopBudget.DEFAULT);
  }

  /**
   * A stopper on the given parts; {@code checkpoint} stays the caller's (it is not closed).
   */
  public TaskStopper(String taskId, CheckpointWatch checkpoint, KillRequester requester,
      TaskTakeover takeover, Clock clock, StopBudget budget) {
    this(taskId, checkpoint, null, requester, takeover, clock, budget);
  }

  private TaskStopper(String taskId, CheckpointWatch checkpoint, TaskPath paths,
      KillRequester requester, TaskTakeover takeover, Clock clock, StopBudget budget) {
    this.taskId = taskId;
    this.checkpoint = checkpoint;
    this.paths = paths;
    this.requester = requester;
    this.takeover = takeover;
    this.clock = clock;
    this.budget = budget;
  }

  public StopBudget budget() {
    return budget;
  }

  /**
   * {@link #stop(TaskState, Duration, RunnerHandle, Duration)} with a timeout that keeps the
   * whole grace and gives a takeover 30 s more than its reserve (the CLI's kill).
   */
  public Result stop(TaskState terminal, Duration grace, RunnerHandle runner)
      throws TaskError, InterruptedException {
    return stop(terminal, grace, runner, budget.minimumTimeout(grace).plus(UNBOUNDED_TAKEOVER));
  }

  /**
   * Drives the task to a terminal state within {@code timeout}.
   *
   * @param terminal KILLED or LOST (the state a successful stop records)
   * @param grace what the processes get between SIGTERM and SIGKILL (clamped to fit)
   * @param runner the task's runner, or {@link RunnerHandle#NONE}
   * @throws TaskError if even a takeover cannot reach a terminal state in time, with the reason
   * @throws IllegalArgumentException if {@code timeout} does not exceed the slack
   */
  public Result stop(TaskState terminal, Duration grace, RunnerHandle runner, Duration timeout)
      throws TaskError, InterruptedException {
    if (terminal != TaskState.KILLED && terminal != TaskState.LOST) {
      throw new IllegalArgumentException("a stop ends in KILLED or LOST, not " + terminal);
    }
    long start = clock.nanoTime();
    Duration g = budget.graceWithin(grace, timeout);
    if (g.compareTo(grace) < 0) {
      log.warn("task {}: grace {} ms does not fit a {} ms stop; clamped to {} ms", taskId,
          grace.toMillis(), timeout.toMillis(), g.toMillis());
    }
    CheckpointWatch watch = checkpoint != null ? checkpoint
        : new MonitorCheckpointWatch(paths, taskId, clock);
    try {
      return new Stop(watch, terminal, g, runner, start, start + timeout.toNanos()).run();
    } finally {
      if (checkpoint == null) {
        watch.close();
      }
    }
  }

  /** One stop in progress. */
  private final class Stop {
    final CheckpointWatch watch;
    final TaskState terminal;
    final Duration grace;
    final RunnerHandle runner;
    final long start;
    final long deadline;
    final long runnerUntil;

    Stop(CheckpointWatch watch, TaskState terminal, Duration grace, RunnerHandle runner,
        long start, long deadline) {
      this.watch = watch;
      this.terminal = terminal;
      this.grace = grace;
      this.runner = runner;
      this.start = start;
      this.deadline = deadline;
      this.runnerUntil = start + grace.plus(budget.runnerSlack()).toNanos();
    }

    Result run() throws TaskError, InterruptedException {
      CheckpointSnapshot s = watch.read();
      if (s.isTerminal()) {
        return confirmed(s, false);
      }
      TaskState before = s.state();
      requester.request(terminal, grace);
      if (runner.isAlive()) {
        CompletableFuture<?> exit = runner.onExit();
        long wakeAt = clock.nanoTime() + WAKE_AFTER.toNanos();
        boolean woken = false;
        while (true) {
          // Liveness before the read: a runner seen dead has written all it ever will, so a
          // terminal record it wrote just before exiting is not mistaken for a need to take over.
          boolean alive = runner.isAlive();
          s = watch.read();
          if (s.isTerminal()) {
            return confirmed(s, false);
          }
          long now = clock.nanoTime();
          if (!alive || now >= runnerUntil) {
            break;
          }
          if (!woken && s.state() != before) {
            woken = true; // it heard the request: its stage moved
          }
          if (!woken && now >= wakeAt) {
            woken = true;
            runner.wake(terminal == TaskState.LOST);
          }
          watch.await(Duration.ofNanos((woken ? runnerUntil : Math.min(wakeAt, runnerUntil))
              - now), exit);
        }
        log.info("task {}: runner {} without a terminal status; taking over", taskId,
            runner.isAlive() ? "too slow" : "gone");
      }
      if (s.isCorrupt()) {
        throw unreadable(s);
      }
      long now = clock.nanoTime();
      Duration left = Duration.ofNanos(Math.max(0, start + grace.toNanos() - now));
      try {
        TaskState end = takeover.takeOver(terminal, left, deadline);
        if (!States.isTerminal(end)) {
          throw new TaskError("the takeover of " + taskId + " ended in " + end);
        }
        return new Result(end, true);
      } catch (TaskError e) {
        // The runner may have finished the task after all (e.g. just before it was killed).
        CheckpointSnapshot after = watch.read();
        if (after.isTerminal()) {
          return confirmed(after, true);
        }
        throw e;
      }
    }

    /**
     * A terminal state read incrementally, confirmed on the whole log read afresh: damage to a
     * record the watch had already applied means no reader can see the task end.
     */
    private Result confirmed(CheckpointSnapshot s, boolean tookOver) throws TaskError {
      CheckpointSnapshot whole = watch.reread();
      if (whole.isCorrupt()) {
        throw unreadable(whole);
      }
      return new Result(s.state(), tookOver);
    }

    /**
     * The log cannot be read, so no terminal state can be confirmed (nor taken over): the runner
     * has had its chance to kill (it does not need the log); make sure nothing is left, then
     * say why the stop cannot be confirmed.
     */
    private TaskError unreadable(CheckpointSnapshot s) {
      boolean runnerKilled = runner.isAlive() && runner.destroy();
      int stragglers = takeover.killStragglers();
      return new TaskError("cannot confirm that task " + taskId + " stopped: its checkpoint is"
          + " unreadable (" + s.problem() + ")" + (runnerKilled ? "; its runner was SIGKILLed"
          : "") + "; " + stragglers + " leftover process(es) SIGKILLed");
    }
  }
}
