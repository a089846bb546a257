package thermos.executor;

import java.util.Optional;

/** The health checker of a task without one: always RUNNING (Thermos' NoopHealthChecker). */
public final class NoopHealthChecker implements StatusChecker {
  private static final StatusResult RUNNING =
      new StatusResult(ExecutorState.RUNNING, "No health-check defined, task is assumed healthy.");

  @Override
  public Optional<StatusResult> status() {
    return Optional.of(RUNNING);
  }

  @Override
  public String name() {
    return "no_health_check";
  }
}
