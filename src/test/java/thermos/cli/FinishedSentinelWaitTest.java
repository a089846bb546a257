package thermos.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.ckpt.TaskPath;
import thermos.executor.RunnerHandle;

/** {@code kill}'s wait for the sentinel: woken by file events, not a poll; bounded. */
class FinishedSentinelWaitTest {
  @TempDir Path dir;

  private static final Duration BOUND = Duration.ofSeconds(30);

  /** A runner that stays alive until {@code exit} completes. */
  private static RunnerHandle runner(CompletableFuture<Void> exit) {
    return new RunnerHandle() {
      @Override
      public boolean isAlive() {
        return !exit.isDone();
      }

      @Override
      public boolean wake(boolean lose) {
        return false;
      }

      @Override
      public CompletableFuture<?> onExit() {
        return exit;
      }
    };
  }

  private long waitMillis(TaskPath paths, RunnerHandle r, Runnable meanwhile) throws Exception {
    Thread t = new Thread(meanwhile);
    long start = System.nanoTime();
    t.start();
    FinishedSentinelWait.await(paths, "t", r, BOUND);
    t.join();
    return (System.nanoTime() - start) / 1_000_000;
  }

  private static void move(TaskPath paths) {
    try {
      Files.createDirectories(paths.finishedTaskFile("t").getParent());
      Files.move(paths.activeTaskFile("t"), paths.finishedTaskFile("t"),
          StandardCopyOption.ATOMIC_MOVE);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void returnsWhenTheSentinelMovesEvenIntoANewFinishedDirectory() throws Exception {
    TaskPath paths = new TaskPath(dir);
    Files.createDirectories(paths.activeTaskFile("t").getParent());
    Files.writeString(paths.activeTaskFile("t"), "{}");
    long ms = waitMillis(paths, runner(new CompletableFuture<>()), () -> move(paths));
    assertTrue(Files.exists(paths.finishedTaskFile("t")));
    assertTrue(ms < BOUND.toMillis() / 2, "woken by the move, not the bound: " + ms + " ms");
  }

  @Test
  void returnsWhenTheRunnerExitsWithoutMovingIt() throws Exception {
    TaskPath paths = new TaskPath(dir);
    Files.createDirectories(paths.activeTaskFile("t").getParent());
    CompletableFuture<Void> exit = new CompletableFuture<>();
    long ms = waitMillis(paths, runner(exit), () -> exit.complete(null));
    assertTrue(ms < BOUND.toMillis() / 2, "woken by the exit: " + ms + " ms");
  }

  @Test
  void givesUpAtTheBound() throws Exception {
    TaskPath paths = new TaskPath(dir);
    Files.createDirectories(paths.activeTaskFile("t").getParent());
    long start = System.nanoTime();
    FinishedSentinelWait.await(paths, "t", runner(new CompletableFuture<>()),
        Duration.ofMillis(200));
    assertTrue(System.nanoTime() - start >= 200_000_000L);
  }
}
