package thermos.runner;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;
import thermos.monitor.DirectoryWatcher;
import thermos.proto.KillRequest;
import thermos.proto.TaskState;

/**
 * How a running runner hears that it must stop: SIGUSR1 (kill) and SIGUSR2 (lose) as in
 * Thermos, SIGTERM/SIGINT (^C) as a kill, and the durable request file appearing next to the
 * checkpoint. A signal only wakes the runner; the request file, when present, says the grace.
 */
final class KillWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KillWatch.class);

  private final List<Runnable> restore = new ArrayList<>();
  private Closeable watch;

  private KillWatch() {}

  static KillWatch install(TaskRunner runner, Path killFile, Duration defaultGrace) {
    KillWatch w = new KillWatch();
    w.handle("USR1", () -> runner.requestKill(requestOr(killFile, TaskState.KILLED, runner)));
    w.handle("USR2", () -> runner.requestKill(requestOr(killFile, TaskState.LOST, runner)));
    w.handle("TERM", () -> runner.requestKill(requestOr(killFile, TaskState.KILLED, runner)));
    w.handle("INT", () -> runner.requestKill(requestOr(killFile, TaskState.KILLED, runner)));
    try {
      w.watch = DirectoryWatcher.of(killFile.getFileSystem()).watch(killFile.getParent(),
          name -> {
            if (name != null && name.equals(killFile.getFileName())) {
              KillRequests.read(killFile).ifPresent(runner::requestKill);
            }
          });
    } catch (IOException e) {
      log.warn("not watching {} for kill requests ({}); signals still work", killFile, e.toString());
    }
    return w;
  }

  /** The request file if there is one, else a request for {@code state} with default grace. */
  private static KillRequest requestOr(Path killFile, TaskState state, TaskRunner runner) {
    return KillRequests.read(killFile).orElseGet(() -> runner.defaultKill(state));
  }

  private void handle(String name, Runnable action) {
    try {
      Signal signal = new Signal(name);
      SignalHandler previous = Signal.handle(signal, s -> {
        log.info("SIG{} received", name);
        action.run();
      });
      if (previous == SignalHandler.SIG_IGN) {
        // The JVM keeps a signal that was ignored when it started ignored (a background job of
        // a non-interactive shell ignores SIGINT): say so rather than pretend ^C works.
        log.warn("SIG{} was ignored when this JVM started and stays ignored: it will not stop"
            + " the task (use kill -USR1 {})", name, ProcessHandle.current().pid());
        return;
      }
      restore.add(() -> Signal.handle(signal, previous));
    } catch (IllegalArgumentException e) {
      log.debug("cannot handle SIG{}: {}", name, e.getMessage());
    }
  }

  @Override
  public void close() {
    restore.forEach(Runnable::run);
    if (watch != null) {
      try {
        watch.close();
      } catch (IOException ignored) {
        // nothing to release
      }
    }
  }
}
