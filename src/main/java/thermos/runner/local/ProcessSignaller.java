package thermos.runner.local;

import java.time.Instant;
import java.util.Optional;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import thermos.runner.Signal;

/**
 * Sends TERM or KILL to a process only if it is still the very process that was examined: the
 * {@link ProcessHandle} pins its start time (the JDK re-checks it when it signals), and we check
 * that start against the one {@code /proc} gave when the process was proven ours. A pid reused
 * since, or a process whose start cannot be read, is not signalled.
 */
final class ProcessSignaller {
  private static final Logger log = LoggerFactory.getLogger(ProcessSignaller.class);
  /**
   * How far the JDK's start time may be from ours: both come from the same start ticks (10 ms
   * each), rounded differently; a pid is never reused within a tick.
   */
  static final double SAME_START_SECS = 0.02;

  private final IntFunction<Optional<ProcessHandle>> handles;

  ProcessSignaller() {
    this(ProcessHandle::of);
  }

  /** @param handles looks a pid up (tests pass fake handles) */
  ProcessSignaller(IntFunction<Optional<ProcessHandle>> handles) {
    this.handles = handles;
  }

  /** True if the signal was sent to {@code target}, the process examined. */
  boolean send(ProcInfo target, Signal signal) {
    Optional<ProcessHandle> handle = handles.apply(target.pid());
    if (handle.isEmpty()) {
      return false;
    }
    ProcessHandle h = handle.get();
    Optional<Instant> start = h.info().startInstant();
    if (start.isEmpty()
        || Math.abs(start.get().toEpochMilli() / 1000.0 - target.startTime()) > SAME_START_SECS) {
      log.warn("not signalling pid {}: it is no longer the process examined", target.pid());
      return false;
    }
    boolean sent = signal == Signal.KILL ? h.destroyForcibly() : h.destroy();
    log.debug("SIG{} -> pid {} ({})", signal, target.pid(), sent ? "sent" : "not sent");
    return sent;
  }
}
