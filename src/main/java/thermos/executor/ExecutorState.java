package thermos.executor;

/**
 * A task's state as an executor reports it (Mesos' TASK_* names, without Mesos): STARTING and
 * RUNNING while it lives, then exactly one terminal state.
 */
public enum ExecutorState {
  STARTING,
  RUNNING,
  FINISHED,
  FAILED,
  KILLED,
  LOST;

  /** Anything but STARTING and RUNNING: the task is over. */
  public boolean isTerminal() {
    return this != STARTING && this != RUNNING;
  }
}
