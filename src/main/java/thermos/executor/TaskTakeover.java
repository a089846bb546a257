package thermos.executor;

import java.time.Duration;
import thermos.proto.TaskState;

/**
 * Finishes a task without its runner (real: {@link LocalTakeover} over Takeover.kill; tests: a
 * scripted fake on a fake clock).
 */
public interface TaskTakeover {
  /**
   * Takes the task over — the checkpoint's lock (killing a verified live runner), the task's
   * recorded settings — and kills it: SIGTERM, SIGKILL after {@code grace}, the terminal
   * records, the finished sentinel.
   *
   * @param deadlineNanos on the stopper's clock: returns or throws by then
   * @return the task's terminal state (an earlier natural one if it ended meanwhile)
   * @throws TaskError with the reason, if it cannot reach a terminal state by the deadline
   */
  TaskState takeOver(TaskState terminal, Duration grace, long deadlineNanos)
      throws TaskError, InterruptedException;

  /**
   * Without a readable checkpoint: SIGKILLs every process still carrying the task's marker
   * (proven ours), so nothing is left behind.
   *
   * @return how many processes were signalled
   */
  int killStragglers();

  /**
   * For a task whose runner is dead: if it never got as far as launching a process — the runner
   * creates the active sentinel after its first status and the header and before any launch —
   * removes what it wrote (the log, its lock, the kill request, the checkpoint directory once
   * empty), so nothing half-written is left.
   *
   * @return true if the task was discarded; false if its runner got as far as launching (take it
   *     over instead)
   * @throws TaskError if the log is held by a live writer or cannot be removed
   */
  boolean discardUnlaunched() throws TaskError;
}
