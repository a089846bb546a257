package thermos.executor;

import java.util.Optional;
import thermos.ckpt.States;
import thermos.proto.TaskState;

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
