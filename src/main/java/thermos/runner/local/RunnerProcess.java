package thermos.runner.local;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import thermos.proto.TaskStatus;

/**
 * The live runner of a task, found through the checkpoint (the pid of the latest TaskStatus)
 * and proven by {@code /proc}: alive, same uid, started shortly before it first announced
 * itself. Used to wake a runner with a signal and to decide when to take a task over.
 */
public final class RunnerProcess {
  private static final Logger log = LoggerFactory.getLogger(RunnerProcess.class);
  /** A runner writes its first status within this long of starting (JVM start included). */
  static final double MAX_START_TO_STATUS_SECS = 300;

  private final ProcTable procs;
  private final ProcInfo info;

  private RunnerProcess(ProcTable procs, ProcInfo info) {
    this.procs = procs;
    this.info = info;
  }

  /** The task's runner if it is alive and provably the one that wrote the statuses. */
  public static Optional<RunnerProcess> find(List<TaskStatus> statuses) {
    return find(statuses, new ProcTable());
  }

  /**
   * The pid of the latest status, if that process is alive, has the uid the status recorded, and
   * started shortly before that pid first announced itself (a reused pid started later).
   */
  static Optional<RunnerProcess> find(List<TaskStatus> statuses, ProcTable procs) {
    if (statuses.isEmpty() || !statuses.get(statuses.size() - 1).hasRunnerPid()) {
      return Optional.empty();
    }
    TaskStatus last = statuses.get(statuses.size() - 1);
    int pid = last.getRunnerPid();
    TaskStatus first = last;
    for (int i = statuses.size() - 1; i >= 0 && statuses.get(i).getRunnerPid() == pid; i--) {
      first = statuses.get(i);
    }
    double announced = first.getTimestampMs() / 1000.0;
    Optional<ProcInfo> info = procs.get(pid).filter(ProcInfo::isAlive);
    if (info.isEmpty()) {
      return Optional.empty();
    }
    ProcInfo p = info.get();
    OptionalInt uid = procs.realUid(pid);
    boolean sameUid = !last.hasRunnerUid()
        || (uid.isPresent() && uid.getAsInt() == last.getRunnerUid());
    boolean startFits = p.startTime() <= announced + 1
        && p.startTime() >= announced - MAX_START_TO_STATUS_SECS;
    if (!sameUid || !startFits) {
      log.debug("pid {} is not the task's runner (uid {}, started {}, announced {})", pid,
          uid, p.startTime(), announced);
      return Optional.empty();
    }
    return Optional.of(new RunnerProcess(procs, p));
  }

  /** The process as it was proven the runner (pid and start time pin it). */
  ProcInfo info() {
    return info;
  }

  public int pid() {
    return info.pid();
  }

  /** Still alive, and still the same process (zombies are dead). */
  public boolean isAlive() {
    return procs.get(info.pid()).filter(ProcInfo::isAlive)
        .filter(p -> p.startTicks() == info.startTicks()).isPresent();
  }

  /**
   * Sends {@code SIGUSR1} (kill) or {@code SIGUSR2} (lose) to wake the runner; the request
   * itself is in the request file. Returns false if the runner is gone or the signal failed.
   */
  public boolean wake(boolean lose) {
    if (!isAlive()) {
      return false;
    }
    try {
      Process p = new ProcessBuilder("kill", lose ? "-USR2" : "-USR1",
          Integer.toString(info.pid())).redirectErrorStream(true).start();
      return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      log.warn("cannot signal runner {}: {}", info.pid(), e.toString());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
