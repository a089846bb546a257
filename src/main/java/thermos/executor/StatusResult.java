package thermos.executor;

import java.util.Objects;

/**
 * What a {@link StatusChecker} says about a task: a state and why (Thermos' StatusResult).
 *
 * @param reason a human-readable reason; may be null (Thermos sends none with STARTING)
 */
public record StatusResult(ExecutorState state, String reason) {
  public StatusResult {
    Objects.requireNonNull(state, "state");
  }

  public boolean isTerminal() {
    return state.isTerminal();
  }

  @Override
  public String toString() {
    return reason == null ? state.toString() : state + " (" + reason + ")";
  }
}
