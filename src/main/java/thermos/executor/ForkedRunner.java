package thermos.executor;

import java.util.Optional;
import thermos.runner.Termination;

/** A runner the executor forked: a {@link RunnerHandle} whose exit status we learn. */
public interface ForkedRunner extends RunnerHandle {
  long pid();

  /** How the runner ended, once it has (an exit code, or death by a signal). */
  Optional<Termination> termination();
}
