package thermos.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.proto.KillRequest;
import thermos.proto.TaskState;

/** The durable kill request: what a restarted runner learns must match what the live one did. */
class KillRequestsTest {
  @TempDir Path dir;

  private static KillRequest request(TaskState state, long at, long grace) {
    return KillRequest.newBuilder().setTerminalState(state).setRequestedAtMs(at)
        .setGraceMs(grace).build();
  }

  @Test
  void theRequestRoundTrips() throws Exception {
    Path file = dir.resolve("kill");
    assertEquals(Optional.empty(), KillRequests.read(file));
    KillRequest r = request(TaskState.KILLED, 1000, 500);
    KillRequests.write(file, r);
    assertEquals(Optional.of(r), KillRequests.read(file));
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "no temp file left");
    }
  }

  @Test
  void aLaterRequestNeverExtendsTheDeadlineNorChangesTheOutcome() throws Exception {
    Path file = dir.resolve("kill");
    KillRequests.write(file, request(TaskState.KILLED, 1000, 10_000));
    KillRequests.write(file, request(TaskState.LOST, 2000, 60_000));
    assertEquals(Optional.of(request(TaskState.KILLED, 1000, 10_000)), KillRequests.read(file));
  }

  @Test
  void aLaterRequestWithAnEarlierDeadlineShortensIt() throws Exception {
    Path file = dir.resolve("kill");
    KillRequests.write(file, request(TaskState.KILLED, 1000, 10_000));
    KillRequests.write(file, request(TaskState.LOST, 3000, 0));
    assertEquals(Optional.of(request(TaskState.KILLED, 1000, 2_000)), KillRequests.read(file));
  }

  @Test
  void anUnreadableRequestCountsAsNoneAndIsReplaced() throws Exception {
    Path file = dir.resolve("kill");
    Files.write(file, new byte[] {(byte) 0xff, (byte) 0xff, 0x01});
    assertEquals(Optional.empty(), KillRequests.read(file));
    KillRequest r = request(TaskState.KILLED, 1000, 500);
    KillRequests.write(file, r);
    assertEquals(Optional.of(r), KillRequests.read(file));
  }
}
