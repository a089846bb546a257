package thermos.ckpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every single-bit flip anywhere in a golden log (length, CRC or payload) is detected as
 * corruption of the record that holds the bit; the records before it still replay.
 */
class BitFlipTest {
  static java.util.stream.Stream<String> scenarios() {
    return GoldenBytes.names();
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void everyBitFlipIsCorruptionAtItsRecord(String scenario) throws IOException {
    GoldenBytes g = GoldenBytes.load(scenario);
    byte[] bytes = g.bytes().clone();
    for (int i = 0; i < bytes.length; i++) {
      int record = g.recordHolding(i);
      long recordOffset = g.starts()[record];
      for (int bit = 0; bit < 8; bit++) {
        bytes[i] ^= (byte) (1 << bit);
        String at = scenario + " byte " + i + " bit " + bit;
        LogReplay.Result r = BytesChannel.replay(bytes, false);
        assertNotNull(r.problem(), () -> at + ": not detected (torn tail " + r.tornTail() + ")");
        assertEquals(CheckpointProblem.Kind.CORRUPT, r.problem().kind(), at);
        assertEquals(recordOffset, r.problem().offset(), at);
        assertEquals(record, r.records(), at);
        assertEquals(g.prefixStates().get(record), r.state().toProto(), at);

        CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class,
            () -> readAll(bytes), at);
        assertEquals(recordOffset, e.offset(), at);
        bytes[i] ^= (byte) (1 << bit);
      }
    }
  }

  /**
   * The same flips through what {@code read}, {@code status} and the TaskMonitor use: a file,
   * {@link LogReplay#replay(Path, boolean)} and its format detection. No flip may make our log
   * pass for a legacy Thermos one (which could replay to some other state without a problem).
   */
  @ParameterizedTest
  @MethodSource("scenarios")
  void everyBitFlipInAFileIsCorruptionAtItsRecordAndNeverALegacyLog(String scenario,
      @TempDir Path dir) throws IOException {
    GoldenBytes g = GoldenBytes.load(scenario);
    Path file = Files.write(dir.resolve("runner"), g.bytes());
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      for (int i = 0; i < g.bytes().length; i++) {
        int record = g.recordHolding(i);
        long recordOffset = g.starts()[record];
        for (int bit = 0; bit < 8; bit++) {
          ch.write(ByteBuffer.wrap(new byte[] {(byte) (g.bytes()[i] ^ (1 << bit))}), i);
          String at = scenario + " byte " + i + " bit " + bit;
          LogReplay.Result r = LogReplay.replay(file, false);
          assertEquals(CheckpointReader.FORMAT, r.format(), at);
          assertNotNull(r.problem(), () -> at + ": not detected (torn tail " + r.tornTail() + ")");
          assertEquals(CheckpointProblem.Kind.CORRUPT, r.problem().kind(), at);
          assertEquals(file, r.problem().file(), at);
          assertEquals(recordOffset, r.problem().offset(), at);
          assertTrue(r.problem().message().contains("at byte offset " + recordOffset + ":"), at);
          assertEquals(record, r.records(), at);
          assertEquals(g.prefixStates().get(record), r.state().toProto(), at);
        }
        ch.write(ByteBuffer.wrap(new byte[] {g.bytes()[i]}), i);
      }
    }
    assertEquals(g.prefixStates().get(g.recordCount()), LogReplay.replay(file, false).state()
        .toProto(), "restored");
  }

  private static void readAll(byte[] bytes) throws IOException {
    try (CheckpointReader reader =
        CheckpointReader.over(new BytesChannel(bytes), Path.of("mem-log"), 0)) {
      while (reader.next() != null) {
        // keep reading
      }
    }
  }
}
