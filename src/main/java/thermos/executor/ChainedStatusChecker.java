package thermos.executor;

import java.util.List;
import java.util.Optional;

/**
 * Several checkers as one, with Thermos' precedence (SEMANTICS.md §1h): the first terminal
 * status (in checker order) wins and is kept forever; otherwise STARTING from any checker wins;
 * otherwise RUNNING from the first checker that says so — a checker with nothing to say counts
 * as agreement; all silent means empty. {@link #startChecking()} and {@link #stopChecking()} fan out.
 */
public final class ChainedStatusChecker implements StatusChecker {
  private final List<StatusChecker> checkers;
  private volatile StatusResult terminal;

  public ChainedStatusChecker(List<? extends StatusChecker> checkers) {
    this.checkers = List.copyOf(checkers);
  }

  public static ChainedStatusChecker of(StatusChecker... checkers) {
    return new ChainedStatusChecker(List.of(checkers));
  }

  @Override
  public Optional<StatusResult> status() {
    StatusResult latched = terminal;
    if (latched != null) {
      return Optional.of(latched);
    }
    StatusResult current = null;
    for (StatusChecker c : checkers) {
      Optional<StatusResult> s = c.status();
      if (s == null) {
        throw new IllegalStateException("status checker " + c.name() + " returned null");
      }
      if (s.isEmpty()) {
        continue;
      }
      StatusResult r = s.get();
      if (r.isTerminal()) {
        synchronized (this) {
          if (terminal == null) {
            terminal = r;
          }
          return Optional.of(terminal);
        }
      }
      if (r.state() == ExecutorState.STARTING) {
        current = r;
      } else if (current == null) {
        current = r;
      }
    }
    return Optional.ofNullable(current);
  }

  @Override
  public String name() {
    return "chained(" + String.join(",", checkers.stream().map(StatusChecker::name).toList())
        + ")";
  }

  @Override
  public void addListener(Runnable onChange) {
    checkers.forEach(c -> c.addListener(onChange));
  }

  @Override
  public void startChecking() {
    checkers.forEach(StatusChecker::startChecking);
  }

  @Override
  public void stopChecking() {
    checkers.forEach(StatusChecker::stopChecking);
  }
}
