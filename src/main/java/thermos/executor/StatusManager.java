package thermos.executor;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a {@link StatusChecker} and reports RUNNING once and a terminal status once (Thermos'
 * StatusManager). It looks whenever a checker says something may have changed (checkpoint
 * events, the runner's exit, a kill), and otherwise every {@code fallbackPoll} for checkers that
 * cannot say (Thermos polls every 500 ms regardless).
 *
 * <p>{@link #check()} is one look, for tests; {@link #start()} runs the looking on a daemon
 * thread until the terminal status has been reported or {@link #close()}.
 */
public final class StatusManager implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StatusManager.class);
  public static final Duration DEFAULT_FALLBACK_POLL = Duration.ofMillis(500);

  private final StatusChecker checker;
  private final Consumer<StatusResult> onRunning;
  private final Consumer<StatusResult> onTerminal;
  private final Duration fallbackPoll;
  private final Object lock = new Object();
  private long wakeups; // guarded by lock
  private boolean closed; // guarded by lock
  private boolean runningReported;
  private volatile boolean terminalReported;
  private Thread thread;

  public StatusManager(StatusChecker checker, Consumer<StatusResult> onRunning,
      Consumer<StatusResult> onTerminal) {
    this(checker, onRunning, onTerminal, DEFAULT_FALLBACK_POLL);
  }

  public StatusManager(StatusChecker checker, Consumer<StatusResult> onRunning,
      Consumer<StatusResult> onTerminal, Duration fallbackPoll) {
    this.checker = checker;
    this.onRunning = onRunning;
    this.onTerminal = onTerminal;
    this.fallbackPoll = fallbackPoll;
    checker.addListener(this::wake);
  }

  /**
   * Looks once: reports RUNNING the first time the checker says so, and a terminal status the
   * first time there is one (after which nothing more is reported).
   *
   * @return true once the terminal status has been reported
   */
  public synchronized boolean check() {
    if (terminalReported) {
      return true;
    }
    Optional<StatusResult> s = checker.status();
    if (s.isEmpty() || s.get().state() == ExecutorState.STARTING) {
      return false;
    }
    StatusResult r = s.get();
    if (r.state() == ExecutorState.RUNNING) {
      if (!runningReported) {
        runningReported = true;
        onRunning.accept(r);
      }
      return false;
    }
    terminalReported = true;
    log.info("terminal status from {}: {}", checker.name(), r);
    onTerminal.accept(r);
    return true;
  }

  /** Starts following on a daemon thread. */
  public synchronized void start() {
    if (thread != null) {
      return;
    }
    thread = new Thread(this::loop, "thermos-status-manager");
    thread.setDaemon(true);
    thread.start();
  }

  /** Makes the manager look again now. */
  public void wake() {
    synchronized (lock) {
      wakeups++;
      lock.notifyAll();
    }
  }

  public boolean terminalReported() {
    return terminalReported;
  }

  private void loop() {
    try {
      while (true) {
        long seen;
        synchronized (lock) {
          if (closed) {
            return;
          }
          seen = wakeups;
        }
        if (check()) {
          return;
        }
        synchronized (lock) {
          if (!closed && wakeups == seen) {
            lock.wait(Math.max(1, fallbackPoll.toMillis()));
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.error("status manager failed", e);
    }
  }

  /** Stops following (the callbacks already made stand). */
  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      lock.notifyAll();
    }
  }
}
