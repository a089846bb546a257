package thermos.ckpt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import thermos.ckpt.golden.Scenarios;
import thermos.proto.RunnerState;

/**
 * A golden log cut at every byte offset replays to the state of its last whole record, with a
 * torn-tail report (never an error) whenever the cut is inside a record; a writer opening it
 * truncates exactly the partial record.
 */
class TornTailTest {
  static java.util.stream.Stream<String> scenarios() {
    return GoldenBytes.names();
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void everyPrefixReplaysToItsLastWholeRecord(String scenario) throws IOException {
    GoldenBytes g = GoldenBytes.load(scenario);
    List<RunnerState> truncated =
        GoldenBytes.prefixStates(Scenarios.named(scenario).records(), true);
    for (int n = 0; n <= g.bytes().length; n++) {
      int k = g.wholeRecordsIn(n);
      long boundary = g.starts()[k];
      String at = scenario + " cut at " + n;
      LogReplay.Result r = BytesChannel.replay(Arrays.copyOf(g.bytes(), n), false);
      assertTrue(r.clean(), () -> at + ": " + r.problem());
      assertEquals(k, r.records(), at);
      assertEquals(boundary, r.position(), at);
      assertEquals(g.prefixStates().get(k), r.state().toProto(), at);
      if (n == boundary) {
        assertNull(r.tornTail(), at);
      } else {
        assertEquals(new TornTail(boundary, n - boundary), r.tornTail(), at);
      }
      LogReplay.Result t = BytesChannel.replay(Arrays.copyOf(g.bytes(), n), true);
      assertEquals(truncated.get(k), t.state().toProto(), at + " (truncate mode)");
    }
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void everyTruncatedFileReplaysAndReopensAtItsLastWholeRecord(String scenario,
      @TempDir Path tmp) throws IOException {
    GoldenBytes g = GoldenBytes.load(scenario);
    Path log = tmp.resolve("runner");
    CheckpointWriter.Options noSync = CheckpointWriter.Options.defaults().withSyncer(ch -> { });
    for (int n = 0; n <= g.bytes().length; n++) {
      int k = g.wholeRecordsIn(n);
      long boundary = g.starts()[k];
      String at = scenario + " cut at " + n;
      Files.write(log, Arrays.copyOf(g.bytes(), n));

      LogReplay.Result r = LogReplay.replay(log, false);
      assertTrue(r.clean(), at);
      assertEquals(g.prefixStates().get(k), r.state().toProto(), at);
      assertEquals(n == boundary ? null : new TornTail(boundary, n - boundary), r.tornTail(), at);

      List<CheckpointRecord> seen = new ArrayList<>();
      try (CheckpointWriter w = CheckpointWriter.open(log, noSync, seen::add)) {
        assertEquals(k, seen.size(), at);
        assertEquals(boundary, w.size(), at);
        assertEquals(n == boundary ? null : new TornTail(boundary, n - boundary),
            w.truncatedTail(), at);
      }
      assertEquals(boundary, Files.size(log), at + ": the writer truncates the torn tail");
      assertArrayEquals(Arrays.copyOf(g.bytes(), (int) boundary), Files.readAllBytes(log), at);
    }
  }
}
