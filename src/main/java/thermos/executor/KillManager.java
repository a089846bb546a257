package thermos.executor;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Says nothing until {@link #kill(String)}; from then on KILLED with the kill's reason
 * (Thermos' KillManager: how an executor's killTask/shutdown reaches the status manager).
 */
public final class KillManager implements StatusChecker {
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private volatile StatusResult killed;

  /** Marks the task killed; only the first call's reason is kept. */
  public void kill(String reason) {
    synchronized (this) {
      if (killed != null) {
        return;
      }
      killed = new StatusResult(ExecutorState.KILLED, reason);
    }
    listeners.forEach(Runnable::run);
  }

  public boolean isKilled() {
    return killed != null;
  }

  @Override
  public Optional<StatusResult> status() {
    return Optional.ofNullable(killed);
  }

  @Override
  public String name() {
    return "kill_manager";
  }

  @Override
  public void addListener(Runnable onChange) {
    listeners.add(onChange);
  }
}
