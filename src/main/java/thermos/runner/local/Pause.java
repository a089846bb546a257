package thermos.runner.local;

import java.util.concurrent.locks.LockSupport;

/**
 * A short wait between two looks at the process table, where no event says a process is gone
 * (a process that is not our child gives none the JDK reports promptly). Tests pass one that
 * moves a fake clock.
 */
@FunctionalInterface
public interface Pause {
  void pause(long nanos);

  Pause REAL = LockSupport::parkNanos;
}
