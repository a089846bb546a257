package thermos.executor;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import thermos.runner.Termination;

/**
 * A runner JVM this executor forked. The JDK reaps it, so it is never a zombie to us.
 *
 * <p>The JDK reports a death by signal N as exit status 128+N, like a shell, and so cannot
 * tell it from {@code exit(128+N)}; the runner only ever exits 0 or 101–105, so 129–192 are
 * read as signals ({@link Termination#fromShellStatus}) and anything else is an exit code,
 * unsigned (difference 11: Thermos decodes statuses ≥ 128 as negative numbers).
 */
final class ChildRunner implements ForkedRunner {
  private static final Logger log = LoggerFactory.getLogger(ChildRunner.class);

  private final Process process;
  private final LongPredicate announced;

  /**
   * @param announced true once the runner has announced itself in the checkpoint (its signal
   *     handlers are installed by then); before that a signal could kill the JVM outright, and
   *     the runner reads the request file on its own when it starts
   */
  ChildRunner(Process process, LongPredicate announced) {
    this.process = process;
    this.announced = announced;
  }

  @Override
  public long pid() {
    return process.pid();
  }

  @Override
  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public boolean wake(boolean lose) {
    if (!process.isAlive() || !announced.test(process.pid())) {
      return false;
    }
    try {
      Process kill = new ProcessBuilder("kill", lose ? "-USR2" : "-USR1",
          Long.toString(process.pid())).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0;
    } catch (IOException e) {
      log.warn("cannot signal runner {}: {}", process.pid(), e.toString());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public CompletableFuture<?> onExit() {
    return process.onExit();
  }

  @Override
  public boolean destroy() {
    return process.isAlive() && process.destroyForcibly() != null;
  }

  @Override
  public Optional<Termination> termination() {
    if (process.isAlive()) {
      return Optional.empty();
    }
    return Optional.of(Termination.fromShellStatus(process.exitValue()));
  }
}
