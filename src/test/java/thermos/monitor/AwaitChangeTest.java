package thermos.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static thermos.monitor.MonitorFixture.DEADLINE;
import static thermos.monitor.MonitorFixture.NO_POLL;
import static thermos.monitor.MonitorFixture.TASK;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.ckpt.CheckpointWriter;
import thermos.ckpt.Ckpts;
import thermos.proto.ProcessState;
import thermos.proto.TaskState;

/**
 * {@code awaitChange} is woken by file events: with the fallback poll set far beyond the test's
 * deadline, returning within the deadline proves the wake-up came from the append.
 */
class AwaitChangeTest {
  @TempDir Path root;
  private MonitorFixture fx;
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @BeforeEach
  void setUp() {
    fx = new MonitorFixture(root);
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    pool.shutdownNow();
    assertTrue(pool.awaitTermination(DEADLINE.toSeconds(), TimeUnit.SECONDS));
  }

  private TaskMonitor eventOnlyMonitor() {
    return new TaskMonitor(fx.paths, TASK,
        TaskMonitor.Options.defaults().withFallbackPoll(NO_POLL));
  }

  /** Starts awaitChange on another thread and returns once it is parked waiting. */
  private Future<Boolean> waitInBackground(TaskMonitor monitor) throws InterruptedException {
    AtomicReference<Thread> waiter = new AtomicReference<>();
    Future<Boolean> result = pool.submit(() -> {
      waiter.set(Thread.currentThread());
      return monitor.awaitChange(NO_POLL);
    });
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (waiter.get() == null || waiter.get().getState() != Thread.State.TIMED_WAITING) {
      assertFalse(result.isDone(), "awaitChange returned before anything changed");
      assertTrue(System.nanoTime() < deadline, "the waiter never started waiting");
      LockSupport.parkNanos(1_000_000);
    }
    return result;
  }

  @Test
  void anAppendFromAnotherThreadWakesTheWaiter() throws Exception {
    fx.createLogDir();
    try (TaskMonitor monitor = eventOnlyMonitor();
        CheckpointWriter w = CheckpointWriter.open(fx.log())) {
      w.append(Ckpts.task(TaskState.ACTIVE));
      assertTrue(monitor.refresh());
      for (int i = 0; i < 5; i++) {
        Future<Boolean> woke = waitInBackground(monitor);
        Future<?> append = pool.submit(() -> {
          w.append(Ckpts.task(TaskState.ACTIVE));
          return null;
        });
        append.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertTrue(woke.get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
        assertEquals(i + 2, monitor.getState().getStatusesCount());
      }
    }
  }

  @Test
  void noChangeMeansFalseAtTheTimeout() throws Exception {
    fx.appendRaw(java.util.List.of(Ckpts.task(TaskState.ACTIVE)));
    try (TaskMonitor monitor = eventOnlyMonitor()) {
      assertTrue(monitor.awaitChange(Duration.ZERO), "unread records count as a change");
      assertFalse(monitor.awaitChange(Duration.ofMillis(20)));
      assertFalse(monitor.awaitChange(Duration.ZERO));
    }
  }

  @Test
  void aLogThatDoesNotExistYetIsNoticedWhenTheRunnerCreatesIt() throws Exception {
    // Repeated on fresh roots: the directories appear while the monitor moves its watch from
    // the root down to the task's directory, and no event may fall between two watches.
    for (int i = 0; i < 25; i++) {
      fx = new MonitorFixture(Files.createDirectories(root.resolve("root" + i)));
      try (TaskMonitor monitor = eventOnlyMonitor()) {
        Future<Boolean> woke = waitInBackground(monitor);
        Path dir = fx.createLogDir();
        assertTrue(Files.isDirectory(dir));
        try (CheckpointWriter w = CheckpointWriter.open(fx.log())) {
          w.append(Ckpts.task(TaskState.ACTIVE));
          w.append(Ckpts.header(TASK));
          while (!monitor.header().isPresent()) {
            assertTrue(woke.get(DEADLINE.toSeconds(), TimeUnit.SECONDS), "round " + i);
            woke = pool.submit(() -> monitor.awaitChange(NO_POLL));
          }
          assertEquals(java.util.Optional.of(TaskState.ACTIVE), monitor.taskState());
        }
      }
    }
  }

  @Test
  void aWaiterFollowsAStreamOfAppendsWithoutMissingAny() throws Exception {
    int records = 300;
    fx.createLogDir();
    try (TaskMonitor monitor = eventOnlyMonitor();
        CheckpointWriter w = CheckpointWriter.open(fx.log(), CheckpointWriter.Options.defaults()
            .withSyncer(ch -> { }), r -> { })) {
      Future<Integer> follower = pool.submit(() -> {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (monitor.getState().getStatusesCount() < records) {
          if (System.nanoTime() > deadline) {
            return monitor.getState().getStatusesCount();
          }
          monitor.awaitChange(DEADLINE);
        }
        return records;
      });
      w.append(Ckpts.task(TaskState.ACTIVE));
      w.append(Ckpts.header(TASK));
      for (int i = 1; i < records; i++) {
        w.append(Ckpts.task(TaskState.ACTIVE));
      }
      assertEquals(records, follower.get(DEADLINE.toSeconds() * 2, TimeUnit.SECONDS));
    }
  }

  @Test
  void aTaskDirectoryRemovedAndRecreatedWhileIdleIsWatchedAgain() throws Exception {
    fx.appendRaw(java.util.List.of(Ckpts.task(TaskState.ACTIVE)));
    try (TaskMonitor monitor = eventOnlyMonitor()) {
      assertTrue(monitor.awaitChange(Duration.ZERO)); // now watching the task's directory
      Files.delete(fx.log());
      Files.delete(fx.paths.checkpointDir(TASK));
      fx.createLogDir();
      Future<Boolean> woke = waitInBackground(monitor);
      try (CheckpointWriter w = CheckpointWriter.open(fx.log())) {
        w.append(Ckpts.task(TaskState.ACTIVE));
        w.append(Ckpts.header("again"));
        assertTrue(woke.get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
        assertEquals("again", monitor.getState().getHeader().getTaskId());
      }
    }
  }

  @Test
  void aCorruptRecordAppendedWhileWaitingWakesTheWaiterWithTheProblem() throws Exception {
    fx.appendRaw(java.util.List.of(Ckpts.task(TaskState.ACTIVE), Ckpts.header(TASK)));
    try (TaskMonitor monitor = eventOnlyMonitor()) {
      assertTrue(monitor.refresh());
      long bad = monitor.position();
      Future<Boolean> woke = waitInBackground(monitor);
      pool.submit(() -> {
        fx.appendRaw(Ckpts.frame(Ckpts.task(TaskState.CLEANING).toByteArray(), 0xbad));
        return null;
      }).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      assertTrue(woke.get(DEADLINE.toSeconds(), TimeUnit.SECONDS), "a new problem is a change");
      assertEquals(bad, monitor.problem().orElseThrow().offset());
      assertEquals(java.util.Optional.of(TaskState.ACTIVE), monitor.taskState());
    }
  }

  @Test
  void garbageOverwrittenInPlaceWithTheStatRestoredIsNoticedThroughTheFileEvent()
      throws Exception {
    fx.createLogDir();
    try (TaskMonitor monitor = eventOnlyMonitor();
        CheckpointWriter w = CheckpointWriter.open(fx.log())) {
      w.append(Ckpts.task(TaskState.ACTIVE));
      w.append(Ckpts.header(TASK));
      byte[] record = Ckpts.frame(Ckpts.task(TaskState.CLEANING));
      fx.appendRaw(new byte[record.length]); // garbage of exactly the next record's length
      assertTrue(monitor.awaitChange(Duration.ZERO), "records and a problem: now watching");
      assertTrue(monitor.problem().isPresent());
      java.nio.file.attribute.FileTime mtime = Files.getLastModifiedTime(fx.log());

      w.append(Ckpts.task(TaskState.CLEANING)); // the runner writes over the garbage
      Files.setLastModifiedTime(fx.log(), mtime); // same size, same mtime: only events tell
      assertTrue(monitor.awaitChange(DEADLINE), "woken by the write's file event");
      assertEquals(java.util.Optional.empty(), monitor.problem());
      assertEquals(java.util.Optional.of(TaskState.CLEANING), monitor.taskState());
    }
  }

  @Test
  void closeWakesAWaiter() throws Exception {
    fx.createLogDir();
    TaskMonitor monitor = eventOnlyMonitor();
    Future<Boolean> woke = waitInBackground(monitor);
    monitor.close();
    assertFalse(woke.get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
    assertFalse(monitor.awaitChange(NO_POLL), "a closed monitor does not wait");
  }

  @Test
  void twoMonitorsOfOneDirectoryBothWakeAndClosingOneLeavesTheOther() throws Exception {
    fx.createLogDir();
    try (CheckpointWriter w = CheckpointWriter.open(fx.log())) {
      TaskMonitor a = eventOnlyMonitor();
      try (TaskMonitor b = eventOnlyMonitor()) {
        Future<Boolean> wokeA = waitInBackground(a);
        Future<Boolean> wokeB = waitInBackground(b);
        w.append(Ckpts.task(TaskState.ACTIVE));
        assertTrue(wokeA.get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
        assertTrue(wokeB.get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
        a.close();
        Future<Boolean> again = waitInBackground(b);
        w.append(Ckpts.proc("p", 0, ProcessState.WAITING));
        assertTrue(again.get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
      }
    }
  }

  @Test
  void theFallbackPollFindsChangesWithoutEvents() throws Exception {
    // Not even the root exists, so nothing can be watched: only the poll can notice.
    fx = new MonitorFixture(root.resolve("not/yet"));
    TaskMonitor monitor = new TaskMonitor(fx.paths, TASK,
        TaskMonitor.Options.defaults().withFallbackPoll(Duration.ofMillis(5)));
    Future<Boolean> woke = pool.submit(() -> monitor.awaitChange(DEADLINE));
    fx.appendRaw(java.util.List.of(Ckpts.task(TaskState.ACTIVE)));
    assertTrue(woke.get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
    monitor.close();
  }
}
