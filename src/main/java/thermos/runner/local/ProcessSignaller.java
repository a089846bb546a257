package thermos.runner.local;

import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import thermos.runner.Signal;

/**
 * Sends TERM or KILL to a process only if it is still the very process that was examined: the
 * {@link ProcessHandle} pins its start time, and we check that start against {@code /proc}.
 */
final class ProcessSignaller {
  private static final Logger log = LoggerFactory.getLogger(ProcessSignaller.class);

  /** True if the signal was sent. */
  boolean send(ProcInfo target, Signal signal) {
    Optional<ProcessHandle> handle = ProcessHandle.of(target.pid());
    if (handle.isEmpty()) {
      return false;
    }
    ProcessHandle h = handle.get();
    Optional<Instant> start = h.info().startInstant();
    if (start.isPresent()
        && Math.abs(start.get().toEpochMilli() / 1000.0 - target.startTime()) > 1.0) {
      log.warn("not signalling pid {}: it is no longer the process examined", target.pid());
      return false;
    }
    boolean sent = signal == Signal.KILL ? h.destroyForcibly() : h.destroy();
    log.debug("SIG{} -> pid {} ({})", signal, target.pid(), sent ? "sent" : "not sent");
    return sent;
  }
}
