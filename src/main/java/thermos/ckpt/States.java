package thermos.ckpt;

import thermos.proto.ProcessState;
import thermos.proto.TaskState;

/** Facts about task and process states. */
public final class States {
  private States() {}

  /** SUCCESS, FAILED, KILLED and LOST: a task in one of these never changes again. */
  public static boolean isTerminal(TaskState state) {
    return state == TaskState.SUCCESS || state == TaskState.FAILED || state == TaskState.KILLED
        || state == TaskState.LOST;
  }

  /** SUCCESS, FAILED, KILLED and LOST: the run is over. */
  public static boolean isTerminal(ProcessState state) {
    return state == ProcessState.SUCCESS || state == ProcessState.FAILED
        || state == ProcessState.KILLED || state == ProcessState.LOST;
  }
}
