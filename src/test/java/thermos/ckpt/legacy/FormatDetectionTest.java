package thermos.ckpt.legacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.ckpt.CheckpointFiles;
import thermos.ckpt.CheckpointReader;
import thermos.ckpt.CheckpointWriter;
import thermos.ckpt.LogReplay;
import thermos.ckpt.RecordSource;
import thermos.ckpt.SyncPolicy;
import thermos.proto.RunnerCkpt;

class FormatDetectionTest {
  @TempDir Path dir;

  private Path ours(List<RunnerCkpt> records) throws IOException {
    Path f = dir.resolve("ours");
    try (CheckpointWriter w = CheckpointWriter.open(f, CheckpointWriter.Options.defaults()
        .withSyncPolicy(SyncPolicy.BATCHED), r -> {})) {
      for (RunnerCkpt r : records) {
        w.append(r);
      }
    }
    return f;
  }

  private static String formatOf(Path f) throws IOException {
    try (RecordSource s = CheckpointFiles.open(f, 0)) {
      return s.format();
    }
  }

  @Test
  void emptyFilesAreOursWithNoRecords() throws IOException {
    Path f = Files.write(dir.resolve("empty"), new byte[0]);
    try (RecordSource s = CheckpointFiles.open(f, 0)) {
      assertInstanceOf(CheckpointReader.class, s);
      assertNull(s.next());
      assertNull(s.tornTail());
    }
  }

  @Test
  void eachFormatIsRecognisedFromItsFirstRecord() throws IOException {
    List<RunnerCkpt> records = List.of(LegacyCheckpointReaderTest.ACTIVE,
        LegacyCheckpointReaderTest.WAITING);
    Path legacy = Files.write(dir.resolve("legacy"), ThriftEncoder.log(records));
    Path ours = ours(records);
    assertEquals(LegacyFormat.NAME, formatOf(legacy));
    assertEquals(CheckpointReader.FORMAT, formatOf(ours));
    for (String task : Fixtures.TASKS) {
      assertEquals(LegacyFormat.NAME, formatOf(Fixtures.runner(task)), task);
    }
    assertEquals(LegacyFormat.NAME, formatOf(Fixtures.coordinator("failure", "p3")));
    // Both replay to the same state.
    assertEquals(LogReplay.replay(ours, false).state().toProto(),
        LogReplay.replay(legacy, false).state().toProto());
  }

  /** The format is judged from the file's start even when reading resumes mid-file. */
  @Test
  void detectionLooksAtTheStartWhateverTheOffset() throws IOException {
    byte[] bytes = Files.readAllBytes(Fixtures.runner("hello_world"));
    Path f = Files.write(dir.resolve("runner"), bytes);
    try (RecordSource s = CheckpointFiles.open(f, 41)) {
      assertEquals(LegacyFormat.NAME, s.format());
      assertEquals("hello_world", s.next().ckpt().getRunnerHeader().getTaskId());
    }
  }

  /** Our record whose CRC bytes happen to read like a Thrift member header stays ours. */
  @Test
  void aMatchingCrcWinsOverTheThriftPattern() throws IOException {
    byte[] ours = Files.readAllBytes(ours(List.of(LegacyCheckpointReaderTest.ACTIVE)));
    byte[] forged = ours.clone();
    forged[4] = 12;
    forged[5] = 0;
    forged[6] = 3;
    // Not ours any more (CRC mismatch) and looks like Thrift: read as legacy, reported corrupt.
    Path f = Files.write(dir.resolve("forged"), forged);
    assertEquals(LegacyFormat.NAME, formatOf(f));
    assertEquals(0, LogReplay.replay(f, false).problem().offset());
    // A real match of the pattern and the CRC: the whole first record decides for ours.
    Path real = Files.write(dir.resolve("real"), ours);
    assertEquals(CheckpointReader.FORMAT, formatOf(real));
  }

  @Test
  void aShortStartIsJudgedOnTheBytesThereAre() throws IOException {
    byte[] legacy = Files.readAllBytes(Fixtures.runner("ports"));
    assertEquals(CheckpointReader.FORMAT, formatOf(Files.write(dir.resolve("a"),
        Arrays.copyOf(legacy, 4))));
    assertEquals(LegacyFormat.NAME, formatOf(Files.write(dir.resolve("b"),
        Arrays.copyOf(legacy, 5))));
    byte[] notThrift = ByteBuffer.allocate(6).putInt(1).put((byte) 11).put((byte) 0).array();
    assertEquals(CheckpointReader.FORMAT, formatOf(Files.write(dir.resolve("c"), notThrift)));
  }
}
