package thermos.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import thermos.ckpt.TaskPath;
import thermos.executor.RunnerHandle;
import thermos.monitor.DirectoryWatcher;

/**
 * Waits until a task's sentinel is in {@code tasks/finished} or its runner is gone, woken by
 * file events on {@code tasks/} and {@code tasks/finished/} and by the runner's exit — not by
 * polling. Bounded: a runner that wrote its terminal status moves the sentinel within ms.
 */
final class FinishedSentinelWait {
  private FinishedSentinelWait() {}

  static void await(TaskPath paths, String id, RunnerHandle runner, Duration bound)
      throws InterruptedException {
    Path finished = paths.finishedTaskFile(id);
    if (Files.exists(finished) || !runner.isAlive()) {
      return;
    }
    Semaphore wake = new Semaphore(0);
    runner.onExit().thenRun(wake::release);
    List<DirectoryWatcher.Registration> watches = new ArrayList<>();
    try {
      // tasks/ tells when tasks/finished/ is created; then that one is watched too.
      watch(finished.getParent().getParent(), wake, watches);
      boolean watchingFinished = false;
      long deadline = System.nanoTime() + bound.toNanos();
      while (true) {
        if (!watchingFinished && Files.isDirectory(finished.getParent())) {
          watchingFinished = watch(finished.getParent(), wake, watches);
        }
        // Checked after (re)registering, so no move is missed between the check and the wait.
        long left = deadline - System.nanoTime();
        if (Files.exists(finished) || !runner.isAlive() || left <= 0) {
          return;
        }
        // Without any file events (no watch service), look again every 50 ms.
        wake.tryAcquire(watches.isEmpty() ? Math.min(left, 50_000_000L) : left,
            TimeUnit.NANOSECONDS);
      }
    } finally {
      watches.forEach(DirectoryWatcher.Registration::close);
    }
  }

  private static boolean watch(Path dir, Semaphore wake, List<DirectoryWatcher.Registration> out) {
    try {
      out.add(DirectoryWatcher.of(dir.getFileSystem()).watch(dir, name -> wake.release()));
      return true;
    } catch (IOException e) {
      return false; // no such directory (yet), or no watch service: the bound still holds
    }
  }
}
