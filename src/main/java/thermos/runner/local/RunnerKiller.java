package thermos.runner.local;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import thermos.common.Clock;
import thermos.proto.TaskStatus;
import thermos.runner.Signal;

/**
 * Kills the runner that leads a task — the pid in its latest TaskStatus — after proving it is
 * that runner: alive, same uid, and started shortly before it wrote its first status. Never our
 * own pid ("unwilling to commit seppuku"), never a process that merely reuses the pid: the
 * signal goes to the process that was proven (pid + start time), checked again as it is sent.
 */
public final class RunnerKiller {
  private static final Logger log = LoggerFactory.getLogger(RunnerKiller.class);
  /** Longest pause between two looks at a dying runner (it is not our child: no exit event). */
  private static final long MAX_PAUSE_NANOS = 20_000_000L;

  /** What happened to the recorded runner. */
  public enum Outcome {
    /** It was alive and ours, and is now dead. */
    KILLED,
    /** No live process is that runner (gone, or the pid belongs to someone else now). */
    NOT_RUNNING,
    /** It is alive but would not die in time. */
    STILL_ALIVE
  }

  private final ProcTable procs;
  private final ProcessSignaller signaller;
  private final Clock clock;
  private final Pause pause;
  private final long self;

  public RunnerKiller() {
    this(new ProcTable(), new ProcessSignaller(), Clock.SYSTEM, Pause.REAL,
        ProcessHandle.current().pid());
  }

  RunnerKiller(ProcTable procs, ProcessSignaller signaller, Clock clock, Pause pause,
      long self) {
    this.procs = procs;
    this.signaller = signaller;
    this.clock = clock;
    this.pause = pause;
    this.self = self;
  }

  /**
   * @param statuses the task's statuses, oldest first
   * @throws IllegalStateException if the recorded runner is this process
   */
  public Outcome killLeader(List<TaskStatus> statuses, Duration wait) {
    if (!statuses.isEmpty() && statuses.get(statuses.size() - 1).hasRunnerPid()
        && statuses.get(statuses.size() - 1).getRunnerPid() == self) {
      throw new IllegalStateException("the recorded runner (pid " + self + ") is this process");
    }
    Optional<RunnerProcess> found = RunnerProcess.find(statuses, procs);
    if (found.isEmpty()) {
      return Outcome.NOT_RUNNING;
    }
    RunnerProcess runner = found.get();
    log.info("killing runner pid {}", runner.pid());
    if (!signaller.send(runner.info(), Signal.KILL)) {
      // Gone between the proof and the signal, or the pid is someone else's now.
      return runner.isAlive() ? Outcome.STILL_ALIVE : Outcome.NOT_RUNNING;
    }
    long deadline = clock.nanoTime() + wait.toNanos();
    long step = 1_000_000L;
    while (runner.isAlive()) {
      if (clock.nanoTime() >= deadline) {
        return Outcome.STILL_ALIVE;
      }
      pause.pause(step);
      step = Math.min(MAX_PAUSE_NANOS, step * 2);
    }
    return Outcome.KILLED;
  }
}
