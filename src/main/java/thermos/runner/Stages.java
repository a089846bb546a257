package thermos.runner;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import thermos.ckpt.ReplayState;
import thermos.common.Clock;
import thermos.proto.KillRequest;
import thermos.proto.TaskState;
import thermos.proto.TaskStatus;

/**
 * The task's stages (SEMANTICS.md §1b.7): ACTIVE runs the regular plan; CLEANING SIGTERMs what
 * is left and waits until nothing of it is; FINALIZING runs the final plan; then the terminal
 * state, which SIGKILLs whatever is still alive first (a budget that ran out skips the waiting). CLEANING plus FINALIZING share one budget: {@code finalization_wait} from the
 * start of CLEANING, or — after a kill — the kill's preemption deadline, which replaces it.
 */
final class Stages {
  private static final Logger log = LoggerFactory.getLogger(Stages.class);
  /**
   * How soon to look again while only stragglers keep CLEANING waiting (processes that are not
   * our children: no event reports their exit), backing off to the longest pause: each look
   * scans {@code /proc}, and a TERM-ignoring orphan may linger until the deadline.
   */
  private static final long RECHECK_FIRST_NANOS = 10_000_000L;
  private static final long RECHECK_MAX_NANOS = 500_000_000L;

  interface StatusWriter {
    void write(TaskState state) throws IOException;
  }

  interface Finisher {
    void finish() throws IOException;
  }

  private final RunnerConfig config;
  private final Clock clock;
  private final Plans plans;
  private final RunTable runs;
  private final StatusWriter status;
  private final ReplayState state;
  private final Finisher finisher;

  /** SUCCESS or FAILED, decided when the regular plan ended on its own. */
  private TaskState verdict;
  /** KILLED or LOST, from a kill or lose that arrived while ACTIVE. */
  private TaskState forced;
  private long preemptionDeadline = TaskRunner.NONE;
  private long finalizationStart = TaskRunner.NONE;
  private long recheckAt = TaskRunner.NONE;
  private long recheckPause = RECHECK_FIRST_NANOS;
  /** Restarted in CLEANING: the SIGTERMs CLEANING owes may never have been sent. */
  private boolean resumedInCleaning;

  Stages(RunnerConfig config, Clock clock, Plans plans, RunTable runs, StatusWriter status,
      ReplayState state, Finisher finisher) {
    this.config = config;
    this.clock = clock;
    this.plans = plans;
    this.runs = runs;
    this.status = status;
    this.state = state;
    this.finisher = finisher;
  }

  /** After a restart in CLEANING or FINALIZING: the budget started with the CLEANING status. */
  void resume(TaskState current) {
    if (current == TaskState.CLEANING || current == TaskState.FINALIZING) {
      TaskStatus cleaning = firstStatus(TaskState.CLEANING);
      finalizationStart = cleaning != null && cleaning.hasTimestampMs()
          ? monotonicAt(cleaning.getTimestampMs()) : clock.nanoTime();
      verdict = plans.verdictAtCleaning();
      resumedInCleaning = current == TaskState.CLEANING;
    }
  }

  /**
   * Applies a kill or lose. A kill in ACTIVE forces the terminal state; in natural CLEANING or
   * FINALIZING it only shortens the budget (difference 10). A second kill never extends a
   * deadline. {@code request} null: the runner's default grace, KILLED.
   */
  void kill(KillRequest request, boolean recovering) {
    TaskState stage = state.taskState();
    TaskState wanted = request != null && request.getTerminalState() == TaskState.LOST
        ? TaskState.LOST : TaskState.KILLED;
    long nowMs = clock.currentTimeMillis();
    long graceMs = request != null && request.hasGraceMs() ? Math.max(0, request.getGraceMs())
        : wanted == TaskState.LOST ? 0 : config.preemptionWait().toMillis();
    long requestedAt = request != null && request.hasRequestedAtMs()
        ? request.getRequestedAtMs() : nowMs;
    long deadline = monotonicAt(requestedAt + graceMs);
    preemptionDeadline = Math.min(preemptionDeadline, deadline);
    boolean killedWhileActive = stage == TaskState.ACTIVE
        || (recovering && cleaningCausedBy(requestedAt));
    if (killedWhileActive && forced == null) {
      forced = wanted;
    }
    log.info("{} requested with {} ms grace (stage {}, outcome {})", wanted, graceMs, stage,
        forced != null ? forced : "kept");
  }

  /** An internal error: end as LOST, now, killing whatever runs. */
  void abort() {
    forced = TaskState.LOST;
    preemptionDeadline = clock.nanoTime();
  }

  /** On recovery: did the kill come before the task started CLEANING (so it caused it)? */
  private boolean cleaningCausedBy(long requestedAtMs) {
    TaskStatus cleaning = firstStatus(TaskState.CLEANING);
    return cleaning != null && cleaning.getTimestampMs() >= requestedAtMs;
  }

  /** Makes every transition that is due, until none is. */
  void advance() throws IOException {
    while (advanceOnce()) {
      if (thermos.ckpt.States.isTerminal(state.taskState())) {
        return;
      }
    }
  }

  private boolean advanceOnce() throws IOException {
    return switch (state.taskState()) {
      case ACTIVE -> active();
      case CLEANING -> cleaning();
      case FINALIZING -> finalizing();
      default -> false;
    };
  }

  private boolean active() throws IOException {
    if (forced != null) {
      enterCleaning();
      return true;
    }
    TaskPlanner plan = plans.regular();
    runs.detectForkTimeouts(plan);
    if (plan.isComplete() || !plans.regularHealthy()) {
      verdict = plans.regularHealthy() ? TaskState.SUCCESS : TaskState.FAILED;
      enterCleaning();
      return true;
    }
    // A failed launch is recorded without any event: if it ended the plan, act on it now.
    return runs.launchRunnable(plan) && (plan.isComplete() || !plans.regularHealthy());
  }

  private void enterCleaning() throws IOException {
    status.write(TaskState.CLEANING);
    finalizationStart = clock.nanoTime();
    runs.terminate(p -> !plans.isFinal(p));
  }

  private boolean cleaning() throws IOException {
    if (budgetExhausted()) {
      terminal();
      return true;
    }
    if (resumedInCleaning) {
      // The runner that wrote CLEANING may have died before signalling (or the signalled runs
      // may not have been up): TERM again, once the exits recorded meanwhile are applied.
      resumedInCleaning = false;
      runs.terminate(p -> !plans.isFinal(p));
    }
    runs.detectForkTimeouts(plans.regular());
    if (runs.anyLive(p -> !plans.isFinal(p))) {
      recheckAt = TaskRunner.NONE; // their exits are events
      return false;
    }
    if (runs.leftoversAlive()) {
      long now = clock.nanoTime();
      if (recheckAt == TaskRunner.NONE || now >= recheckAt) {
        recheckAt = now + recheckPause;
        recheckPause = Math.min(RECHECK_MAX_NANOS, recheckPause * 2);
      }
      return false;
    }
    recheckAt = TaskRunner.NONE;
    // Thermos kills what is left of the regular plan here: nothing is (just looked), and what
    // is dead cannot fork, so there is nothing to kill.
    status.write(TaskState.FINALIZING);
    return true;
  }

  private boolean finalizing() throws IOException {
    if (budgetExhausted()) {
      terminal();
      return true;
    }
    TaskPlanner plan = plans.finalizing();
    runs.detectForkTimeouts(plan);
    if (plan.isComplete() || plan.isDeadlocked()) {
      terminal();
      return true;
    }
    return runs.launchRunnable(plan) && (plan.isComplete() || plan.isDeadlocked());
  }

  /**
   * Kills whatever is left (recorded first) until nothing of the task is alive, then writes the
   * terminal state: whoever waits for it may rely on no process outliving it.
   */
  private void terminal() throws IOException {
    TaskState end = forced != null ? forced
        : verdict != null ? verdict
        : plans.regularHealthy() ? TaskState.SUCCESS : TaskState.FAILED;
    runs.killAtEnd();
    status.write(end);
    finisher.finish();
  }

  private boolean budgetExhausted() {
    long end = budgetEnd();
    return end != TaskRunner.NONE && clock.nanoTime() >= end;
  }

  /** The preemption deadline if a kill set one, else finalization_wait after CLEANING began. */
  private long budgetEnd() {
    if (preemptionDeadline != TaskRunner.NONE) {
      return preemptionDeadline;
    }
    if (finalizationStart == TaskRunner.NONE) {
      return TaskRunner.NONE;
    }
    return finalizationStart + config.task().finalizationWaitSecs() * 1_000_000_000L;
  }

  /** When the loop next needs to run without an event, or NONE. */
  long nextWake() {
    long next = recheckAt;
    TaskState stage = state.taskState();
    if (stage == TaskState.CLEANING || stage == TaskState.FINALIZING) {
      next = Math.min(next, budgetEnd());
    }
    TaskPlanner plan = stage == TaskState.ACTIVE ? plans.regular()
        : stage == TaskState.FINALIZING ? plans.finalizing() : null;
    if (stage == TaskState.ACTIVE && forced != null) {
      return clock.nanoTime();
    }
    if (plan != null) {
      if (!plan.toLaunch(config.task().maxConcurrency()).isEmpty()) {
        // Launchable now (a failed launch retried without min_duration): step again at once.
        return clock.nanoTime();
      }
      // Gates already open are waiting for room under max_concurrency: only an exit helps.
      double wait = plan.nextGateSeconds();
      if (wait < Double.MAX_VALUE) {
        next = Math.min(next, clock.nanoTime() + (long) Math.ceil(wait * 1e9));
      }
    }
    TaskPlanner forkPlan = stage == TaskState.FINALIZING ? plans.finalizing() : plans.regular();
    double timeout = runs.nextForkTimeout(forkPlan);
    if (!Double.isNaN(timeout)) {
      next = Math.min(next, monotonicAt((long) Math.ceil(timeout * 1000)));
    }
    return next;
  }

  /** The monotonic time corresponding to wall-clock {@code epochMillis}. */
  private long monotonicAt(long epochMillis) {
    long deltaMs = epochMillis - clock.currentTimeMillis();
    return clock.nanoTime() + deltaMs * 1_000_000L;
  }

  private TaskStatus firstStatus(TaskState s) {
    for (TaskStatus st : state.statuses()) {
      if (st.getState() == s) {
        return st;
      }
    }
    return null;
  }
}
