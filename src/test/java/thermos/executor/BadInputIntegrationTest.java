package thermos.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static thermos.executor.LiveTasks.assertNothingLeft;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.proto.TaskState;

/**
 * Bad input with the real platform: each a clear TaskError with the reason, no process left
 * behind, nothing half-written.
 */
@Tag("integration")
class BadInputIntegrationTest {
  @TempDir Path root;

  private LiveTasks live() {
    return new LiveTasks(root);
  }

  @Test
  void invalidTask() throws Exception {
    ThermosTaskRunner r = live().builder("{\"name\": \"x\", \"processes\": []}", "bad").build();
    TaskError e = assertThrows(TaskError.class, () -> r.start(LiveTasks.START));
    assertTrue(e.getMessage().startsWith("Failed to load task: Task has no processes"),
        e.getMessage());
    assertTrue(r.runner().isEmpty());
    assertFalse(Files.exists(r.sandbox()), "nothing written");
    assertFalse(Files.exists(r.paths().checkpointsDir()));
  }

  @Test
  void missingRunnerJar() throws Exception {
    ThermosTaskRunner r = live().builder(LiveTasks.SLEEP, "nojar")
        .launcher(RunnerLauncher.defaults().withJar(root.resolve("no/such.jar"))).build();
    TaskError e = assertThrows(TaskError.class, () -> r.start(LiveTasks.START));
    assertTrue(e.getMessage().contains("such.jar does not exist"), e.getMessage());
    assertTrue(r.runner().isEmpty());
    assertFalse(Files.exists(r.sandbox()));
  }

  @Test
  void unwritableCheckpointRoot() throws Exception {
    Path file = Files.writeString(root.resolve("file"), "not a directory");
    Path json = Files.writeString(root.resolve("t.json"), LiveTasks.SLEEP);
    ThermosTaskRunner r = ThermosTaskRunner.builder(json, "t", root.resolve("sb"),
        file.resolve("root")).launcher(RunnerLauncher.defaults().withJar(LiveTasks.jar()))
        .build();
    TaskError e = assertThrows(TaskError.class, () -> r.start(LiveTasks.START));
    assertTrue(e.getMessage().contains("checkpoint root"), e.getMessage());
    assertFalse(Files.exists(root.resolve("sb")));
  }

  @Test
  void checkpointRootSharedWithALiveRunnerOfTheSameTaskId() throws Exception {
    LiveTasks live = live();
    String id = LiveTasks.newId("shared");
    ThermosTaskRunner first = live.started(LiveTasks.SLEEP, id, Duration.ofSeconds(1));
    try {
      ThermosTaskRunner second = live.builder(LiveTasks.SLEEP, id).build();
      TaskError e = assertThrows(TaskError.class, () -> second.start(LiveTasks.START));
      assertTrue(e.getMessage().contains("already being run by runner pid "
          + first.runner().orElseThrow().pid()), e.getMessage());
      assertTrue(second.runner().isEmpty(), "nothing forked");
    } finally {
      assertEquals(Optional.of(TaskState.KILLED), first.stop(Duration.ofSeconds(10)));
      assertNothingLeft(first);
    }
  }

  @RepeatedTest(50)
  void corruptCheckpointDuringStop() throws Exception {
    ThermosTaskRunner r = live().started(LiveTasks.SLEEP, LiveTasks.newId("corrupt"),
        Duration.ofSeconds(1));
    LiveTasks.awaitRunning(r, "sleepy");
    Set<Integer> sessions = Leftovers.sessionsOf(r.paths(), r.taskId()); // while it reads whole
    // Damage the header (the second record; the first is the runner's ACTIVE): bytes that were
    // written, fsynced and read long ago, which no later append can overwrite.
    Path log = r.paths().runnerCheckpoint(r.taskId());
    long header = flipAPayloadByteOfTheSecondRecord(log);
    TaskError e = assertThrows(TaskError.class, () -> r.stop(Duration.ofSeconds(10)));
    assertTrue(e.getMessage().contains("corrupt checkpoint " + log + " at byte offset " + header
        + ": CRC mismatch"), e.getMessage());
    assertNothingLeft(r, sessions);
    assertEquals(Optional.of(new StatusResult(ExecutorState.LOST,
        "Task checkpoint could not be read.")), r.status());
    // Nothing half-written: the sentinel is in one place, no temporary file is left.
    assertTrue(Files.exists(r.paths().activeTaskFile(r.taskId()))
        ^ Files.exists(r.paths().finishedTaskFile(r.taskId())), "one sentinel");
    try (var files = Files.walk(r.paths().root())) {
      assertEquals(List.of(), files.filter(f -> f.getFileName().toString().contains(".tmp-"))
          .toList());
    }
    r.close();
  }

  /** XORs the third payload byte of the log's second record; returns that record's offset. */
  private static long flipAPayloadByteOfTheSecondRecord(Path log) throws Exception {
    try (FileChannel ch = FileChannel.open(log, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      ByteBuffer length = ByteBuffer.allocate(4);
      ch.read(length, 0);
      long second = 8 + Integer.toUnsignedLong(length.flip().getInt());
      long at = second + 8 + 2;
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, at);
      b.put(0, (byte) (b.get(0) ^ 0xFF)).rewind();
      ch.write(b, at);
      ch.force(true);
      return second;
    }
  }
}
