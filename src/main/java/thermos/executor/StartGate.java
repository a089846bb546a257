package thermos.executor;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import thermos.common.Clock;
import thermos.proto.TaskState;

/**
 * Where a {@link ThermosTaskRunner}'s start is, and the first kill or lose asked for — made
 * durable at the one right moment, so that none is lost however it races the start (Aurora's
 * "killed during initialization"): while start() checks and writes, the request is only noted
 * and start() writes it just before the fork; from the fork on, whoever asks writes it. Either
 * way the runner reads it as it boots (or, once running, on the file event or signal).
 */
final class StartGate implements RunnerStarter.ForkGate {
  private static final Logger log = LoggerFactory.getLogger(StartGate.class);

  private enum Phase {
    NEW,
    /** start() checks and writes; it passes a request on just before the fork. */
    PREPARING,
    /** The runner is being forked, or is forked: a request is written at once. */
    FORKING,
    /** start() failed before a runner was forked: nothing was launched. */
    FAILED
  }

  private final String taskId;
  private final KillRequester requester;
  private final Duration killGrace;
  private final Clock clock;
  private final Object lock = new Object();
  /** Completes once start() has forked the runner or failed before. */
  private final CompletableFuture<Void> settled = new CompletableFuture<>();
  private Phase phase = Phase.NEW; // guarded by lock
  private TaskState requested; // guarded by lock
  private Duration requestedGrace; // guarded by lock

  StartGate(String taskId, KillRequester requester, Duration killGrace, Clock clock) {
    this.taskId = taskId;
    this.requester = requester;
    this.killGrace = killGrace;
    this.clock = clock;
  }

  /** The grace of a request: the preemption wait for a kill, none for a loss. */
  Duration graceOf(TaskState terminal) {
    return terminal == TaskState.LOST ? Duration.ZERO : killGrace;
  }

  /** start() begins. */
  void begin() throws TaskError {
    synchronized (lock) {
      if (phase != Phase.NEW) {
        throw new TaskError("start() was already called for task " + taskId);
      }
      phase = Phase.PREPARING;
    }
  }

  /** start() has forked its runner or failed before: a waiting stop may go on. */
  void settle() {
    settled.complete(null);
  }

  @Override
  public void forking() throws TaskError {
    synchronized (lock) {
      phase = Phase.FORKING;
      if (requested != null) {
        log.info("task {}: {} asked for before the fork; the runner reads it as it boots",
            taskId, verb(requested));
        requester.request(requested, requestedGrace);
      }
    }
  }

  @Override
  public void failed() {
    synchronized (lock) {
      phase = Phase.FAILED;
    }
  }

  /**
   * Records a kill (KILLED) or lose (LOST); only the first counts.
   *
   * @return true if it was written for a runner that is forked (or being forked), which the
   *     caller may now wake
   */
  boolean request(TaskState wanted) {
    synchronized (lock) {
      if (requested != null) {
        log.info("task {}: duplicate kill/lose signal received, ignoring", taskId);
        return false;
      }
      requested = wanted;
      requestedGrace = graceOf(wanted);
      switch (phase) {
        case NEW, PREPARING -> {
          log.info("task {}: {} before the fork; start() passes it on", taskId, verb(wanted));
          return false;
        }
        case FAILED -> {
          log.info("task {}: no runner to {}", taskId, verb(wanted));
          return false;
        }
        default -> {
          // Under the lock, so a failing fork cannot clean up before this is written.
          try {
            requester.request(wanted, graceOf(wanted));
          } catch (TaskError e) {
            log.warn("task {}: {}", taskId, e.getMessage());
          }
          return true;
        }
      }
    }
  }

  /** The kill or lose asked for so far, if any. */
  Optional<TaskState> requested() {
    synchronized (lock) {
      return Optional.ofNullable(requested);
    }
  }

  /**
   * A stop begins (after {@link #requireStarted}): it is a kill unless a lose came first; before
   * the fork, start() passes it on — with the grace the stop can give.
   *
   * @param killGrace the stop's grace for a kill (the preemption wait, clamped to its timeout)
   * @return the state the stop ends in
   */
  TaskState stopping(Duration killGrace) {
    synchronized (lock) {
      if (requested == null) {
        requested = TaskState.KILLED;
        requestedGrace = killGrace;
      } else if (requested == TaskState.KILLED && killGrace.compareTo(requestedGrace) < 0) {
        requestedGrace = killGrace; // as KillRequests merges them: the earlier deadline holds
      }
      return requested;
    }
  }

  /** Throws TaskError("Failed to call TaskRunner.start.") if start() was never called. */
  void requireStarted() throws TaskError {
    synchronized (lock) {
      if (phase == Phase.NEW) {
        throw new TaskError("Failed to call TaskRunner.start.");
      }
    }
  }

  /** Waits for a start() under way to fork its runner (or fail), by {@code deadline}. */
  void awaitFork(long deadline) throws TaskError, InterruptedException {
    try {
      settled.get(Math.max(0, deadline - clock.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new TaskError("task " + taskId + " did not stop within the deadline: start() was"
          + " still forking its runner");
    } catch (ExecutionException e) {
      throw new IllegalStateException("never completed exceptionally", e);
    }
  }

  static String verb(TaskState terminal) {
    return terminal == TaskState.LOST ? "lose" : "kill";
  }
}
