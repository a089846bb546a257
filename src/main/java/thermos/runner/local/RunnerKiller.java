package thermos.runner.local;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import thermos.proto.TaskStatus;
import thermos.runner.Signal;

/**
 * Kills the runner that leads a task — the pid in its latest TaskStatus — after proving it is
 * that runner: alive, same uid, and started shortly before it wrote its first status. Never our
 * own pid ("unwilling to commit seppuku"), never a process that merely reuses the pid.
 */
public final class RunnerKiller {
  private static final Logger log = LoggerFactory.getLogger(RunnerKiller.class);
  /** A runner writes its first status within this long of starting (JVM start included). */
  private static final double MAX_START_TO_STATUS_SECS = 300;

  /** What happened to the recorded runner. */
  public enum Outcome {
    /** It was alive and ours, and is now dead. */
    KILLED,
    /** No live process is that runner (gone, or the pid belongs to someone else now). */
    NOT_RUNNING,
    /** It is alive but would not die in time. */
    STILL_ALIVE
  }

  private final ProcTable procs = new ProcTable();
  private final ProcessSignaller signaller = new ProcessSignaller();

  /**
   * @param statuses the task's statuses, oldest first
   * @throws IllegalStateException if the recorded runner is this process
   */
  public Outcome killLeader(List<TaskStatus> statuses, Duration wait) {
    if (statuses.isEmpty() || !statuses.get(statuses.size() - 1).hasRunnerPid()) {
      return Outcome.NOT_RUNNING;
    }
    TaskStatus last = statuses.get(statuses.size() - 1);
    int pid = last.getRunnerPid();
    if (pid == ProcessHandle.current().pid()) {
      throw new IllegalStateException("the recorded runner (pid " + pid + ") is this process");
    }
    // The first status this runner wrote: it wrote it right after it started.
    TaskStatus first = last;
    for (int i = statuses.size() - 1; i >= 0 && statuses.get(i).getRunnerPid() == pid; i--) {
      first = statuses.get(i);
    }
    double announced = first.getTimestampMs() / 1000.0;
    Optional<ProcInfo> info = procs.get(pid).filter(ProcInfo::isAlive);
    if (info.isEmpty()) {
      return Outcome.NOT_RUNNING;
    }
    ProcInfo p = info.get();
    boolean sameUid = !last.hasRunnerUid() || p.uid() == last.getRunnerUid();
    boolean startFits = p.startTime() <= announced + 1
        && p.startTime() >= announced - MAX_START_TO_STATUS_SECS;
    if (!sameUid || !startFits) {
      log.info("pid {} is not the task's runner (uid {}, started {}; runner announced {})", pid,
          p.uid(), p.startTime(), announced);
      return Outcome.NOT_RUNNING;
    }
    log.info("killing runner pid {}", pid);
    signaller.send(p, Signal.KILL);
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline) {
      if (procs.get(pid).filter(ProcInfo::isAlive).filter(q -> q.startTicks() == p.startTicks())
          .isEmpty()) {
        return Outcome.KILLED;
      }
      Thread.onSpinWait();
      sleepBriefly();
    }
    return Outcome.STILL_ALIVE;
  }

  private static void sleepBriefly() {
    try {
      Thread.sleep(2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
