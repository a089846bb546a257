package thermos.monitor;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import thermos.ckpt.CheckpointProblem;
import thermos.ckpt.ReplayState;
import thermos.ckpt.TaskPath;
import thermos.ckpt.TornTail;
import thermos.common.Clock;
import thermos.proto.ProcessState;
import thermos.proto.ProcessStatus;
import thermos.proto.RunnerHeader;
import thermos.proto.RunnerState;
import thermos.proto.TaskState;

/**
 * Follows one task's runner checkpoint and keeps its replayed state (Thermos' TaskMonitor).
 *
 * <p>Replay is incremental: each {@link #refresh()} reads only the bytes appended since the last
 * one, and a refresh with nothing new costs one {@code stat}. {@link #awaitChange(Duration)}
 * sleeps until the log changes, woken by file events (inotify on Linux) within about a
 * millisecond, with a bounded fallback poll in case an event is missed.
 *
 * <p>Thread-safe. Never throws for what the log holds: a torn tail is simply not read yet, and a
 * corrupt or invalid record stops the replay there and is reported by {@link #problem()} (the
 * state stays that of the valid prefix; a new problem wakes {@link #awaitChange} like a new
 * record). The replay goes on from there once the file changes: garbage at the tail that the
 * runner's next record overwrites clears the problem. A log that is replaced or shrinks is
 * replayed afresh. The incremental work is {@link LogFollower}'s.
 */
public final class TaskMonitor implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(TaskMonitor.class);

  /** How a monitor replays and waits. */
  public record Options(boolean truncate, Duration fallbackPoll, Clock clock) {
    public static Options defaults() {
      return new Options(false, Duration.ofMillis(100), Clock.SYSTEM);
    }

    /** Keep only the latest status and run of each process: memory independent of log length. */
    public Options withTruncate(boolean t) {
      return new Options(t, fallbackPoll, clock);
    }

    public Options withFallbackPoll(Duration d) {
      return new Options(truncate, d, clock);
    }

    public Options withClock(Clock c) {
      return new Options(truncate, fallbackPoll, c);
    }
  }

  /** A process whose latest run is RUNNING, and that run's index (0 = first run). */
  public record ActiveProcess(ProcessStatus status, int run) {}

  private final TaskPath paths;
  private final String taskId;
  private final Path checkpoint;
  private final Options options;

  // Replay state, guarded by `this`.
  private final LogFollower follower;

  // Wake-ups: bumped by file events; waiters sleep on `signal`.
  private final AtomicLong events = new AtomicLong();
  private final AtomicLong nudges = new AtomicLong();
  private final Object signal = new Object();
  private DirectoryWatcher.Registration watch; // guarded by signal
  private volatile Path watchedDir; // written under signal
  private boolean closed; // guarded by signal

  public TaskMonitor(TaskPath paths, String taskId) {
    this(paths, taskId, Options.defaults());
  }

  public TaskMonitor(TaskPath paths, String taskId, Options options) {
    this.paths = Objects.requireNonNull(paths);
    this.taskId = TaskPath.validTaskId(taskId);
    this.checkpoint = paths.runnerCheckpoint(taskId);
    this.options = options;
    this.follower = new LogFollower(checkpoint, options.truncate());
  }

  public String taskId() {
    return taskId;
  }

  public Path checkpoint() {
    return checkpoint;
  }

  /**
   * Applies whatever has been appended since the last call.
   *
   * @return true if the state changed: new records, the log replaced and replayed, or a
   *     {@link #problem()} that appeared or went away
   */
  public synchronized boolean refresh() {
    return follower.refresh(events.get());
  }

  /** An immutable copy of the replayed state, after a refresh. */
  public synchronized RunnerState getState() {
    refresh();
    return follower.state().toProto();
  }

  /** The current task state after a refresh; empty before the first status. */
  public synchronized Optional<TaskState> taskState() {
    refresh();
    return Optional.ofNullable(follower.state().taskState());
  }

  /** The header after a refresh; empty until the runner has written it. */
  public synchronized Optional<RunnerHeader> header() {
    refresh();
    return Optional.ofNullable(follower.state().header());
  }

  /** The sandbox recorded in the header, if any. */
  public Optional<String> sandbox() {
    return header().filter(RunnerHeader::hasSandbox).map(RunnerHeader::getSandbox);
  }

  /** Processes whose latest run is RUNNING, with the run's index. */
  public synchronized List<ActiveProcess> activeProcesses() {
    refresh();
    ReplayState state = follower.state();
    List<ActiveProcess> active = new ArrayList<>();
    for (String name : state.processNames()) {
      if (state.latestState(name) == ProcessState.RUNNING) {
        active.add(new ActiveProcess(state.latestRun(name), state.runCount(name) - 1));
      }
    }
    return active;
  }

  /** True if the task's sentinel is in {@code tasks/active}. */
  public boolean active() {
    return Files.exists(paths.activeTaskFile(taskId));
  }

  /** True if the task's sentinel is in {@code tasks/finished}. */
  public boolean finished() {
    return Files.exists(paths.finishedTaskFile(taskId));
  }

  /** Why replay stopped before the end of the log, if it did. */
  public synchronized Optional<CheckpointProblem> problem() {
    return Optional.ofNullable(follower.problem());
  }

  /** A partial record after the last whole one, as of the last refresh. */
  public synchronized Optional<TornTail> tornTail() {
    return Optional.ofNullable(follower.tornTail());
  }

  /** Bytes of the log applied so far. */
  public synchronized long position() {
    return follower.position();
  }

  /** The log's format as last read ("thermos-jvm" or "thermos-legacy"), or null before. */
  public synchronized String format() {
    return follower.format();
  }

  /**
   * Waits until the log has new records or a new problem (returns true), or {@code timeout}
   * passes or someone calls {@link #nudge()} (false). Wakes on file events; polls at most every
   * {@code fallbackPoll} in case one is missed.
   */
  public boolean awaitChange(Duration timeout) throws InterruptedException {
    return awaitChange(timeout, () -> false);
  }

  /**
   * Like {@link #awaitChange(Duration)}, but also returns (false) as soon as {@code done} holds.
   * {@code done} is checked under the same lock {@link #nudge()} notifies with, so whoever makes
   * it true and then calls {@link #nudge()} can never be missed — unlike a check made before the
   * call, which races with a nudge that lands just before the wait starts.
   */
  public boolean awaitChange(Duration timeout, java.util.function.BooleanSupplier done)
      throws InterruptedException {
    Clock clock = options.clock();
    long nudged = nudges.get();
    long deadline = clock.nanoTime() + timeout.toNanos();
    long pollNanos = Math.max(1, options.fallbackPoll().toNanos());
    while (true) {
      ensureWatching();
      long seen = events.get();
      if (refresh()) {
        return true;
      }
      long remaining = deadline - clock.nanoTime();
      if (remaining <= 0 || nudges.get() != nudged) {
        return false;
      }
      long slice = Math.min(remaining, pollNanos);
      synchronized (signal) {
        if (closed || done.getAsBoolean()) {
          return false;
        }
        if (events.get() == seen && nudges.get() == nudged) {
          signal.wait(slice / 1_000_000, (int) (slice % 1_000_000));
        }
      }
    }
  }

  /**
   * Wakes every {@link #awaitChange} waiter so it looks again (something other than the log
   * changed that they care about, e.g. the runner exited).
   */
  public void nudge() {
    nudges.incrementAndGet();
    synchronized (signal) {
      signal.notifyAll();
    }
  }

  /** Stops watching for file events. The monitor can still be refreshed. */
  @Override
  public void close() {
    synchronized (signal) {
      closed = true;
      closeWatch();
      signal.notifyAll();
    }
  }

  private void onEvent(Path changed) {
    // Only the log matters (and, while we watch an ancestor, directories being created).
    if (changed == null || !checkpoint.getParent().equals(watchedDir)
        || changed.equals(checkpoint.getFileName())) {
      events.incrementAndGet();
      synchronized (signal) {
        signal.notifyAll();
      }
    }
  }

  /**
   * Watches the checkpoint's directory, or while it does not exist yet the nearest existing
   * ancestor under the root (whose change will make us look again). After registering it looks
   * again, because a nearer directory may have appeared before the watch was in place (its event
   * would be lost); and it replaces a watch whose directory was deleted (and perhaps recreated).
   */
  private void ensureWatching() {
    synchronized (signal) {
      for (int attempt = 0; attempt < 8 && !closed; attempt++) {
        Path dir = nearestExistingDirectory();
        if (dir != null && dir.equals(watchedDir) && watch.valid()) {
          return;
        }
        closeWatch();
        if (dir == null) {
          return;
        }
        try {
          watch = DirectoryWatcher.of(dir.getFileSystem()).watch(dir, this::onEvent);
          watchedDir = dir;
        } catch (NoSuchFileException e) {
          // deleted just now: look again
        } catch (IOException | UnsupportedOperationException e) {
          log.debug("no file events for {} ({}); polling", dir, e.toString());
          return;
        }
      }
    }
  }

  private Path nearestExistingDirectory() {
    for (Path c : new Path[] {checkpoint.getParent(), paths.checkpointsDir(), paths.root()}) {
      if (Files.isDirectory(c)) {
        return c;
      }
    }
    return null;
  }

  private void closeWatch() {
    if (watch != null) {
      watch.close();
      watch = null;
      watchedDir = null;
    }
  }
}
