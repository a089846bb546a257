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
    if (!statuses.isEmpty() && statuses.get(statuses.size() - 1).hasRunnerPid()
        && statuses.get(statuses.size() - 1).getRunnerPid() == ProcessHandle.current().pid()) {
      throw new IllegalStateException("the recorded runner (pid "
          + ProcessHandle.current().pid() + ") is this process");
    }
    Optional<RunnerProcess> runner = RunnerProcess.find(statuses);
    if (runner.isEmpty()) {
      return Outcome.NOT_RUNNING;
    }
    int pid = runner.get().pid();
    log.info("killing runner pid {}", pid);
    procs.get(pid).ifPresent(p -> signaller.send(p, Signal.KILL));
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline) {
      if (!runner.get().isAlive()) {
        return Outcome.KILLED;
      }
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
