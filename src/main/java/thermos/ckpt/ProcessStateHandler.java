package thermos.ckpt;

import thermos.proto.ProcessStatus;

/** Hears process updates by target state. Each gets the update record as written. */
public non-sealed interface ProcessStateHandler extends CheckpointHandler {
  default void onWaiting(ProcessStatus update) {}

  default void onForked(ProcessStatus update) {}

  default void onRunning(ProcessStatus update) {}

  default void onSuccess(ProcessStatus update) {}

  default void onFailed(ProcessStatus update) {}

  default void onLost(ProcessStatus update) {}

  default void onKilled(ProcessStatus update) {}
}
