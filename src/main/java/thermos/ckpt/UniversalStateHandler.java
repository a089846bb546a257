package thermos.ckpt;

import thermos.proto.ProcessState;
import thermos.proto.ProcessStatus;
import thermos.proto.RunnerHeader;
import thermos.proto.TaskState;
import thermos.proto.TaskStatus;

/** Hears every applied record; called before the typed handlers. */
public non-sealed interface UniversalStateHandler extends CheckpointHandler {
  /** @param from the run's state before the update, or null for a new run (WAITING) */
  default void onProcessTransition(ProcessStatus update, ProcessState from) {}

  /** @param from the task's state before the update, or null for the first status */
  default void onTaskTransition(TaskStatus update, TaskState from) {}

  default void onInitialization(RunnerHeader header) {}
}
