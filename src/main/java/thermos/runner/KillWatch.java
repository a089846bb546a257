package thermos.runner;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
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
 * checkpoint. The request file, when present, says what a kill signal means (its grace); a
 * signal without one is recorded there by the runner before it acts (so it survives a crash).
 */
final class KillWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KillWatch.class);

  private final List<Runnable> restore = new ArrayList<>();
  private Closeable watch;

  private KillWatch() {}

  static KillWatch install(TaskRunner runner, Path killFile, Duration defaultGrace) {
    KillWatch w = new KillWatch();
    // A kill defers to the request file when there is one; a lose is a lose, with no grace.
    w.handle("USR1", () -> runner.requestKill(TaskState.KILLED));
    w.handle("USR2", () -> runner.requestKill(TaskState.LOST));
    w.handle("TERM", () -> runner.requestKill(TaskState.KILLED));
    w.handle("INT", () -> runner.requestKill(TaskState.KILLED));
    try {
      w.watch = DirectoryWatcher.of(killFile.getFileSystem()).watch(killFile.getParent(),
          name -> {
            if (name != null && name.equals(killFile.getFileName()) && Files.exists(killFile)) {
              runner.requestKill((KillRequest) null);
            }
          });
    } catch (IOException e) {
      log.warn("not watching {} for kill requests ({}); signals still work", killFile, e.toString());
    }
    return w;
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
