package thermos.executor;

import java.util.Optional;
import thermos.ckpt.States;
import thermos.proto.RunnerState;
import thermos.proto.TaskState;
import thermos.proto.TaskStatus;

/**
 * What a task's checkpoint says at one moment — all a stop or a status decision may look at.
 *
 * @param state the latest task status, or null before the first
 * @param hasHeader the runner has written the header (it launches nothing before)
 * @param runnerPid the pid in the latest task status, or null
 * @param problem why the log cannot be read past some record, or null if it reads cleanly
 */
public record CheckpointSnapshot(TaskState state, boolean hasHeader, Integer runnerPid,
    String problem) {
  /** A checkpoint that does not exist yet. */
  public static final CheckpointSnapshot EMPTY = new CheckpointSnapshot(null, false, null, null);

  /** What a replayed {@code state} says, with the reason it could not be read further. */
  public static CheckpointSnapshot of(RunnerState state, String problem) {
    TaskStatus last = state.getStatusesCount() == 0 ? null
        : state.getStatuses(state.getStatusesCount() - 1);
    return new CheckpointSnapshot(last == null ? null : last.getState(), state.hasHeader(),
        last != null && last.hasRunnerPid() ? last.getRunnerPid() : null, problem);
  }

  public Optional<TaskState> taskState() {
    return Optional.ofNullable(state);
  }

  /** The checkpoint holds a terminal task status. */
  public boolean isTerminal() {
    return state != null && States.isTerminal(state);
  }

  /** The runner {@code pid} has announced itself and written the header: the task started. */
  public boolean startedBy(long pid) {
    return hasHeader && state != null && runnerPid != null && runnerPid == pid;
  }

  public boolean isCorrupt() {
    return problem != null;
  }
}
