package thermos.ckpt.legacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.ckpt.LogReplay;
import thermos.ckpt.TaskPath;
import thermos.monitor.TaskMonitor;
import thermos.proto.TaskState;

/** TaskMonitor follows a legacy log as it grows, in Thermos' framing. */
class LegacyMonitorTest {
  @TempDir Path root;

  @Test
  void followsALegacyLogRecordByRecord() throws IOException {
    byte[] bytes = Files.readAllBytes(Fixtures.runner("failure"));
    TaskPath paths = new TaskPath(root);
    Path log = paths.runnerCheckpoint("failure");
    Files.createDirectories(log.getParent());
    Files.write(log, Arrays.copyOf(bytes, 60)); // first record and part of the header
    try (TaskMonitor monitor = new TaskMonitor(paths, "failure")) {
      assertEquals(TaskState.ACTIVE, monitor.taskState().orElseThrow());
      assertEquals(LegacyFormat.NAME, monitor.format());
      assertTrue(monitor.header().isEmpty());
      for (int at = 60; at < bytes.length; at += 97) {
        int end = Math.min(bytes.length, at + 97);
        Files.write(log, Arrays.copyOfRange(bytes, at, end), StandardOpenOption.APPEND);
        monitor.refresh();
      }
      assertEquals(TaskState.SUCCESS, monitor.taskState().orElseThrow());
      assertEquals("failure", monitor.header().orElseThrow().getTaskId());
      assertTrue(monitor.problem().isEmpty());
      assertEquals(LogReplay.replay(Fixtures.runner("failure"), false).state().toProto(),
          monitor.getState());
    }
  }
}
