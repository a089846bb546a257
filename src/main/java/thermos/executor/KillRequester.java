package thermos.executor;

import java.time.Duration;
import thermos.proto.TaskState;

/**
 * Records a durable kill (KILLED) or lose (LOST) request with its grace period next to the
 * task's checkpoint, where the runner — woken by a signal or by the file appearing — reads it.
 */
@FunctionalInterface
public interface KillRequester {
  void request(TaskState terminal, Duration grace) throws TaskError;
}
