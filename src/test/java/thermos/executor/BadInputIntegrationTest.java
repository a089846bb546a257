package thermos.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static thermos.executor.LiveTasks.assertNothingLeft;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
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

  @RepeatedTest(10)
  void corruptCheckpointDuringStop() throws Exception {
    ThermosTaskRunner r = live().started(LiveTasks.SLEEP, LiveTasks.newId("corrupt"),
        Duration.ofSeconds(1));
    LiveTasks.awaitRunning(r, "sleepy");
    // The log replaced by a copy whose header record fails its CRC (a bad restore): corruption,
    // not a torn tail. Bytes appended at the end would not do: the runner writes at its own
    // offset, its next record overwrites them, and the monitor recovers. Here the runner goes
    // on writing to the file it has open, and nothing it writes repairs the new one.
    Path log = r.paths().runnerCheckpoint(r.taskId());
    byte[] bytes = Files.readAllBytes(log);
    int header = 8 + ByteBuffer.wrap(bytes).getInt(0); // the second record
    bytes[header + 8 + 2] ^= 0x40;
    Path damaged = Files.write(log.resolveSibling("runner.damaged"), bytes);
    Files.move(damaged, log, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    TaskError e = assertThrows(TaskError.class, () -> r.stop(Duration.ofSeconds(10)));
    assertTrue(e.getMessage().contains("unreadable") && e.getMessage().contains("CRC"),
        e.getMessage());
    assertNothingLeft(r);
    assertEquals(Optional.of(new StatusResult(ExecutorState.LOST,
        "Task checkpoint could not be read.")), r.status());
    r.close();
  }
}
