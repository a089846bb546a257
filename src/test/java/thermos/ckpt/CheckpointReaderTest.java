package thermos.ckpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.proto.ProcessState;
import thermos.proto.RunnerCkpt;
import thermos.proto.RunnerHeader;
import thermos.proto.TaskState;

/** Bad input to the reader: each kind is reported as what it is, with its offset. */
class CheckpointReaderTest {
  @TempDir Path tmp;

  private static final RunnerCkpt FIRST = Ckpts.task(TaskState.ACTIVE);

  private Path file(byte[]... parts) throws IOException {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    ByteBuffer all = ByteBuffer.allocate(n);
    for (byte[] p : parts) {
      all.put(p);
    }
    return Files.write(tmp.resolve("runner"), all.array());
  }

  private static List<RunnerCkpt> readAll(Path log) throws IOException {
    List<RunnerCkpt> out = new ArrayList<>();
    try (CheckpointReader r = CheckpointReader.open(log)) {
      CheckpointRecord rec;
      while ((rec = r.next()) != null) {
        out.add(rec.ckpt());
      }
    }
    return out;
  }

  private CorruptCheckpointException corruptAt(long offset, Path log) {
    CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class,
        () -> readAll(log));
    assertEquals(offset, e.offset());
    assertEquals(log, e.file());
    assertTrue(e.getMessage().contains(log + " at byte offset " + offset), e.getMessage());
    return e;
  }

  private static byte[] header(long length, int crc) {
    return ByteBuffer.allocate(8).putInt((int) length).putInt(crc).array();
  }

  @Test
  void anEmptyFileHasNoRecordsAndNoTornTail() throws IOException {
    Path log = file();
    try (CheckpointReader r = CheckpointReader.open(log)) {
      assertNull(r.next());
      assertNull(r.tornTail());
      assertEquals(0, r.position());
      assertEquals("thermos-jvm", r.format());
    }
    LogReplay.Result result = LogReplay.replay(log, false);
    assertTrue(result.clean());
    assertEquals(0, result.records());
    assertNull(result.state().taskState());
  }

  @Test
  void aZeroLengthRecordIsCorruption() throws IOException {
    int first = Ckpts.frame(FIRST).length;
    assertTrue(corruptAt(first, file(Ckpts.frame(FIRST), header(0, 0))).reason()
        .contains("zero-length"));
    assertTrue(corruptAt(0, file(header(0, 0), Ckpts.frame(FIRST))).reason()
        .contains("zero-length"));
  }

  @Test
  void anOversizedLengthIsCorruptionNotAnAllocation() throws IOException {
    assertTrue(corruptAt(0, file(header(CheckpointFormat.MAX_PAYLOAD_BYTES + 1L, 0)))
        .reason().contains("exceeds"));
    assertTrue(corruptAt(0, file(header(0xFFFF_FFFFL, 0), new byte[100])).reason()
        .contains("4294967295"), "the length is read unsigned");
  }

  @Test
  void nonCheckpointFilesAreCorruptAtOffsetZero() throws IOException {
    corruptAt(0, file("hello, this is a text file\nnot a checkpoint\n"
        .getBytes(StandardCharsets.UTF_8)));
    corruptAt(0, file("{\"task_id\": \"t\", \"processes\": []}".getBytes(StandardCharsets.UTF_8)));
    // A legacy Thermos log (4-byte length, then Thrift): the "CRC" is Thrift bytes.
    byte[] thrift = {0x0c, 0x00, 0x03, 0x08, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    byte[] legacyLength = ByteBuffer.allocate(4).putInt(thrift.length).array();
    corruptAt(0, file(legacyLength, thrift, legacyLength, thrift));
  }

  @Test
  void aPayloadWithAGoodCrcThatIsNotARunnerCkptIsCorruption() throws IOException {
    byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f};
    assertTrue(corruptAt(0, file(Ckpts.frame(garbage,
        CheckpointFormat.crc32c(garbage, 0, garbage.length)))).reason().contains("unparsable"));
    byte[] unknownFieldOnly = {0x48, 0x01}; // field 9, varint 1: parses, holds no record
    assertTrue(corruptAt(0, file(Ckpts.frame(unknownFieldOnly,
        CheckpointFormat.crc32c(unknownFieldOnly, 0, 2)))).reason().contains("holds no"));
  }

  @Test
  void aCrcMismatchNamesBothValues() throws IOException {
    byte[] payload = FIRST.toByteArray();
    CorruptCheckpointException e = corruptAt(0, file(Ckpts.frame(payload, 0x12345678)));
    assertTrue(e.reason().contains("stored 12345678"), e.reason());
  }

  @Test
  void aFileShorterThanAHeaderIsATornTail() throws IOException {
    Path log = file(new byte[] {0, 0, 0});
    try (CheckpointReader r = CheckpointReader.open(log)) {
      assertNull(r.next());
      assertEquals(new TornTail(0, 3), r.tornTail());
    }
  }

  @Test
  void readingFromAnOffsetStartsAtThatRecord() throws IOException {
    List<RunnerCkpt> records = List.of(FIRST, Ckpts.header("t"),
        Ckpts.proc("p", 0, ProcessState.WAITING));
    Path log = file(Ckpts.frames(records));
    long second = Ckpts.frame(FIRST).length;
    try (CheckpointReader r = CheckpointReader.open(log, second)) {
      CheckpointRecord rec = r.next();
      assertEquals(second, rec.offset());
      assertEquals(records.get(1), rec.ckpt());
      assertEquals(second + Ckpts.frame(records.get(1)).length, rec.endOffset());
      assertEquals(records.get(2), r.next().ckpt());
      assertNull(r.next());
      assertEquals(Files.size(log), r.position());
    }
  }

  @Test
  void recordsLargerThanTheReadBufferAreReadWholeOrAsATornTail() throws IOException {
    RunnerCkpt big = RunnerCkpt.newBuilder().setRunnerHeader(RunnerHeader.newBuilder()
        .setTaskId("t").setSandbox("s".repeat(300_000))).build();
    byte[] frame = Ckpts.frame(big);
    assertEquals(List.of(FIRST, big, FIRST),
        readAll(file(Ckpts.frame(FIRST), frame, Ckpts.frame(FIRST))));
    Path torn = file(Ckpts.frame(FIRST), java.util.Arrays.copyOf(frame, 200_000));
    try (CheckpointReader r = CheckpointReader.open(torn)) {
      assertEquals(FIRST, r.next().ckpt());
      assertNull(r.next());
      assertEquals(new TornTail(Ckpts.frame(FIRST).length, 200_000), r.tornTail());
    }
  }

  @Test
  void aDirectoryOrMissingFileIsAnIoErrorNotCorruption() {
    IOException dir = assertThrows(IOException.class, () -> readAll(tmp));
    assertFalse(dir instanceof CorruptCheckpointException);
    assertThrows(java.nio.file.NoSuchFileException.class,
        () -> readAll(tmp.resolve("missing")));
  }
}
