package thermos.runner.local;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import thermos.common.Clock;

/**
 * Waits, bounded, for a task's log pumps ({@link LogPumpScript}) to finish, so its logs are
 * complete when the runner exits. Pumps are found through {@code /proc} by their marker, and
 * only those provably of this task count: the task's owner (see Owner), started no earlier than the task. They are
 * never signalled: each ends on its own once its writers are gone.
 *
 * <p>Pumps are not our children (their coordinator started them and is usually gone), so there
 * is no exit event to wait on: {@code ProcessHandle.onExit} of a non-child polls in steps of
 * 300 ms and more, and sees an exited pump as alive until its reaper collects the zombie, which
 * can take seconds. A pump's exit is read from {@code /proc} instead, a zombie counting as
 * exited (its output is written by then).
 */
final class LogPumpDrain {
  private static final long POLL_NANOS = 2_000_000L;

  private final ProcTable procs;
  private final Owner owner;
  private final String taskId;
  private final double taskStart;
  private final Clock clock;

  LogPumpDrain(ProcTable procs, Owner owner, String taskId, double taskStart, Clock clock) {
    this.procs = procs;
    this.owner = owner;
    this.taskId = taskId;
    this.taskStart = taskStart;
    this.clock = clock;
  }

  /** The task's live pumps. */
  List<ProcInfo> livePumps() {
    List<ProcInfo> found = new ArrayList<>();
    for (ProcInfo p : procs.all()) {
      if (p.isAlive() && !p.isKernelThread() && p.startTime() >= taskStart - 1
          && procs.hasEnvironment(p.pid(), LogPumpScript.MARKER, taskId) && owner.owns(procs, p)) {
        found.add(p);
      }
    }
    return found;
  }

  /**
   * Waits until every pump alive now has exited, at most {@code timeout}.
   *
   * @return true if they all did
   */
  boolean await(Duration timeout) {
    long deadline = clock.nanoTime() + timeout.toNanos();
    List<ProcInfo> pending = livePumps();
    while (true) {
      pending.removeIf(p -> !stillRunning(p));
      if (pending.isEmpty()) {
        return true;
      }
      long left = deadline - clock.nanoTime();
      if (left <= 0) {
        return false;
      }
      LockSupport.parkNanos(Math.min(left, POLL_NANOS));
    }
  }

  /** The same process (pid and start), not yet exited. */
  private boolean stillRunning(ProcInfo pump) {
    return procs.get(pump.pid())
        .filter(now -> now.startTicks() == pump.startTicks() && now.isAlive())
        .isPresent();
  }
}
