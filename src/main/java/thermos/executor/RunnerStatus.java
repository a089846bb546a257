package thermos.executor;

import java.util.Optional;
import thermos.proto.TaskState;
import thermos.runner.RunnerException;
import thermos.runner.Termination;

/**
 * Thermos' {@code compute_status} (SEMANTICS.md §1h): the status of a task from its runner's
 * exit and its checkpoint, with Thermos' reasons.
 *
 * <p>One deliberate refinement, in the spirit of "decide on the checkpoint": a checkpoint that
 * holds a terminal state is reported as that state (EXIT_STATE_MAP) whether the runner is still
 * alive or died in any way afterwards — Thermos says nothing while the runner lives and lets a
 * signal or exit code override a recorded SUCCESS. Otherwise, exactly Thermos:
 * nothing while the runner is alive; a signal death is KILLED "Task killed by signal N."; exit
 * 0 and 105 map the checkpointed state; 101–104 have their reasons; anything else is LOST with
 * the exit status, unsigned.
 */
public final class RunnerStatus {
  private RunnerStatus() {}

  /**
   * @param exit how the runner ended; empty while it is alive
   * @param checkpoint the task's checkpoint now
   */
  public static Optional<StatusResult> compute(Optional<Termination> exit,
      CheckpointSnapshot checkpoint) {
    if (checkpoint.isTerminal()) {
      return Optional.of(fromState(checkpoint.state()));
    }
    if (exit.isEmpty()) {
      return Optional.empty();
    }
    Termination t = exit.get();
    if (t.wasSignalled()) {
      return Optional.of(result(ExecutorState.KILLED, "Task killed by signal " + t.signal() + "."));
    }
    return Optional.of(switch (t.exitCode()) {
      case 0, RunnerException.TERMINAL_TASK -> checkpoint.isCorrupt()
          ? result(ExecutorState.LOST, "Task checkpoint could not be read.")
          : fromState(checkpoint.state());
      case RunnerException.UNKNOWN_USER ->
          result(ExecutorState.FAILED, "Task started with unknown user.");
      case RunnerException.INTERNAL_ERROR ->
          result(ExecutorState.LOST, "Thermos failed with internal error.");
      case RunnerException.INVALID_TASK ->
          result(ExecutorState.FAILED, "Thermos received an invalid task.");
      case RunnerException.UNKNOWN_ERROR ->
          result(ExecutorState.LOST, "Thermos failed with an unknown error.");
      default -> result(ExecutorState.LOST,
          "Thermos exited for unknown reason (exit status: " + t.exitCode() + ")");
    });
  }

  /** EXIT_STATE_MAP: the status of a runner that ended cleanly, by checkpointed state. */
  public static StatusResult fromState(TaskState state) {
    if (state == null) {
      return result(ExecutorState.LOST, "Task checkpoint could not be read.");
    }
    return switch (state) {
      case ACTIVE -> result(ExecutorState.LOST, "Runner died while task was active.");
      case FAILED -> result(ExecutorState.FAILED, "Task failed.");
      case KILLED -> result(ExecutorState.KILLED, "Task killed.");
      case LOST -> result(ExecutorState.LOST, "Task lost.");
      case SUCCESS -> result(ExecutorState.FINISHED, "Task finished.");
      default -> result(ExecutorState.LOST, "Task checkpoint could not be read.");
    };
  }

  private static StatusResult result(ExecutorState state, String reason) {
    return new StatusResult(state, reason);
  }
}
