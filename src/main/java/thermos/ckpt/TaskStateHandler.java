package thermos.ckpt;

import thermos.proto.TaskStatus;

/** Hears task status updates by target state. */
public non-sealed interface TaskStateHandler extends CheckpointHandler {
  default void onActive(TaskStatus update) {}

  default void onCleaning(TaskStatus update) {}

  default void onFinalizing(TaskStatus update) {}

  default void onSuccess(TaskStatus update) {}

  default void onFailed(TaskStatus update) {}

  default void onKilled(TaskStatus update) {}

  default void onLost(TaskStatus update) {}
}
