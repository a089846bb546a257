package thermos.ckpt.legacy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.ckpt.CheckpointRecord;
import thermos.ckpt.CorruptCheckpointException;
import thermos.ckpt.TornTail;
import thermos.proto.ProcessState;
import thermos.proto.ProcessStatus;
import thermos.proto.RunnerCkpt;
import thermos.proto.TaskState;
import thermos.proto.TaskStatus;

class LegacyCheckpointReaderTest {
  @TempDir Path dir;

  static final RunnerCkpt ACTIVE = RunnerCkpt.newBuilder().setTaskStatus(TaskStatus.newBuilder()
      .setState(TaskState.ACTIVE).setTimestampMs(1000).setRunnerPid(7)).build();
  static final RunnerCkpt WAITING = RunnerCkpt.newBuilder().setProcessStatus(ProcessStatus
      .newBuilder().setSeq(0).setProcess("p").setState(ProcessState.WAITING)).build();

  static List<CheckpointRecord> readAll(LegacyCheckpointReader r) throws IOException {
    List<CheckpointRecord> out = new ArrayList<>();
    for (CheckpointRecord rec = r.next(); rec != null; rec = r.next()) {
      out.add(rec);
    }
    return out;
  }

  private Path write(byte[]... parts) throws IOException {
    Path f = Files.createTempFile(dir, "log", "");
    for (byte[] p : parts) {
      Files.write(f, p, java.nio.file.StandardOpenOption.APPEND);
    }
    return f;
  }

  private CorruptCheckpointException corruptAt(Path f) throws IOException {
    try (LegacyCheckpointReader r = LegacyCheckpointReader.open(f, 0)) {
      return assertThrows(CorruptCheckpointException.class, () -> readAll(r));
    }
  }

  /** Every fixture file: contiguous records, and each decoded record re-encodes to its bytes. */
  @Test
  void everyFixtureRecordReencodesToItsOwnBytes() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(Fixtures.root().resolve("checkpoints"))) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    }
    assertEquals(19, files.size()); // 7 runner logs and 12 coordinator logs
    for (Path f : files) {
      byte[] bytes = Files.readAllBytes(f);
      try (LegacyCheckpointReader r = LegacyCheckpointReader.open(f, 0)) {
        long expected = 0;
        for (CheckpointRecord rec : readAll(r)) {
          assertEquals(expected, rec.offset(), f.toString());
          assertEquals(4, rec.frameBytes());
          byte[] original = Arrays.copyOfRange(bytes, (int) rec.offset(), (int) rec.endOffset());
          assertArrayEquals(original, ThriftEncoder.frame(ThriftEncoder.payload(rec.ckpt())),
              f + " @" + rec.offset() + ": " + rec.ckpt());
          expected = rec.endOffset();
        }
        assertEquals(bytes.length, expected);
        assertEquals(bytes.length, r.position());
        assertNull(r.tornTail());
        assertEquals("thermos-legacy", r.format());
      }
    }
  }

  @Test
  void readsFromAnOffsetAndAfterAppends() throws IOException {
    byte[] one = ThriftEncoder.log(List.of(ACTIVE));
    byte[] two = ThriftEncoder.log(List.of(WAITING));
    Path f = write(one, Arrays.copyOf(two, 5));
    long position;
    try (LegacyCheckpointReader r = LegacyCheckpointReader.open(f, 0)) {
      assertEquals(ACTIVE, r.next().ckpt());
      assertNull(r.next());
      assertEquals(new TornTail(one.length, 5), r.tornTail());
      position = r.position();
    }
    Files.write(f, Arrays.copyOfRange(two, 5, two.length), java.nio.file.StandardOpenOption.APPEND);
    try (LegacyCheckpointReader r = LegacyCheckpointReader.open(f, position)) {
      CheckpointRecord rec = r.next();
      assertEquals(WAITING, rec.ckpt());
      assertEquals(one.length, rec.offset());
      assertNull(r.next());
      assertNull(r.tornTail());
    }
  }

  @Test
  void unknownFieldsAreSkippedAtEveryLevel() throws IOException {
    byte[] payload = ThriftEncoder.write(p -> {
      p.writeStructBegin(null);
      // An unknown union member holding a struct with a list and a map.
      p.writeFieldBegin(new org.apache.thrift.protocol.TField("", (byte) 12, (short) 9));
      p.writeStructBegin(null);
      p.writeFieldBegin(new org.apache.thrift.protocol.TField("", (byte) 15, (short) 1));
      p.writeListBegin(new org.apache.thrift.protocol.TList((byte) 11, 2));
      p.writeString("a");
      p.writeString("b");
      p.writeFieldBegin(new org.apache.thrift.protocol.TField("", (byte) 13, (short) 2));
      p.writeMapBegin(new org.apache.thrift.protocol.TMap((byte) 8, (byte) 4, 1));
      p.writeI32(1);
      p.writeDouble(2.5);
      p.writeFieldStop();
      p.writeStructEnd();
      // The real member, with an unknown field and a known id of the wrong type.
      p.writeFieldBegin(new org.apache.thrift.protocol.TField("", (byte) 12, (short) 3));
      p.writeStructBegin(null);
      ThriftEncoder.i32(p, 1, TaskState.KILLED.getNumber());
      ThriftEncoder.string(p, 2, "not an i64");
      ThriftEncoder.dbl(p, 17, 1.5);
      ThriftEncoder.i32(p, 3, 42);
      p.writeFieldStop();
      p.writeStructEnd();
      p.writeFieldStop();
      p.writeStructEnd();
    });
    try (LegacyCheckpointReader r = LegacyCheckpointReader.open(write(ThriftEncoder.frame(payload)), 0)) {
      TaskStatus t = r.next().ckpt().getTaskStatus();
      assertEquals(TaskState.KILLED, t.getState());
      assertEquals(42, t.getRunnerPid());
      assertFalse(t.hasTimestampMs(), "a known id with the wrong type is left unset");
      assertNull(r.next());
    }
  }

  @Test
  void aUnionMustHoldExactlyOneMember() throws IOException {
    byte[] none = ThriftEncoder.write(p -> {
      p.writeStructBegin(null);
      ThriftEncoder.i32(p, 7, 1);
      p.writeFieldStop();
      p.writeStructEnd();
    });
    byte[] first = ThriftEncoder.log(List.of(ACTIVE));
    assertTrue(corruptAt(write(first, ThriftEncoder.frame(none))).getMessage()
        .contains("at byte offset " + first.length + ": RunnerCkpt holds no runner_header"));
    byte[] active = ThriftEncoder.payload(ACTIVE);
    byte[] waiting = ThriftEncoder.payload(WAITING);
    // Splice the two members into one struct: drop ACTIVE's struct STOP, keep WAITING's fields.
    byte[] both = ByteBuffer.allocate(active.length - 1 + waiting.length - 1)
        .put(active, 0, active.length - 1).put(waiting, 0, waiting.length - 1).array();
    both = Arrays.copyOf(both, both.length + 1);
    assertTrue(corruptAt(write(ThriftEncoder.frame(both))).getMessage()
        .contains("union holds 2 members"));
  }

  @Test
  void unknownEnumValuesAreCorruption() throws IOException {
    byte[] bad = ThriftEncoder.payload(ACTIVE);
    // TaskStatus.state is the i32 right after the union header (3 bytes) and its own (3 bytes).
    assertEquals(0, ByteBuffer.wrap(bad).getInt(6));
    ByteBuffer.wrap(bad).putInt(6, 9);
    CorruptCheckpointException e = corruptAt(write(ThriftEncoder.frame(bad)));
    assertEquals(0, e.offset());
    assertTrue(e.getMessage().contains("unknown TaskState value 9"), e.getMessage());
  }

  @Test
  void impossibleLengthsAreCorruption() throws IOException {
    byte[] good = ThriftEncoder.log(List.of(ACTIVE));
    CorruptCheckpointException zero = corruptAt(write(good, new byte[4], good));
    assertEquals(good.length, zero.offset());
    assertTrue(zero.getMessage().contains("zero-length record"));
    byte[] huge = ByteBuffer.allocate(8).putInt((64 << 20) + 1).array();
    CorruptCheckpointException big = corruptAt(write(good, huge));
    assertEquals(good.length, big.offset());
    assertTrue(big.getMessage().contains("exceeds Thermos' 67108864-byte limit"), big.getMessage());
  }

  @Test
  void aLengthTooLongInsideTheFileIsCorruption() throws IOException {
    byte[] log = ThriftEncoder.log(List.of(ACTIVE, WAITING, ACTIVE));
    ByteBuffer.wrap(log).putInt(0, ByteBuffer.wrap(log).getInt(0) + 1);
    CorruptCheckpointException e = corruptAt(write(log));
    assertEquals(0, e.offset());
    assertTrue(e.getMessage().contains("struct ends after"), e.getMessage());
  }

  @Test
  void aLengthPastTheEndIsATornTailUnlessAWholeRecordIsThere() throws IOException {
    byte[] first = ThriftEncoder.log(List.of(ACTIVE));
    byte[] last = ThriftEncoder.log(List.of(WAITING));
    // Torn: the length is right but the payload is cut short.
    try (LegacyCheckpointReader r = LegacyCheckpointReader.open(
        write(first, Arrays.copyOf(last, last.length - 1)), 0)) {
      assertEquals(1, readAll(r).size());
      assertEquals(new TornTail(first.length, last.length - 1), r.tornTail());
    }
    // Mislabelled: the whole record is there, but its length claims one byte more.
    ByteBuffer.wrap(last).putInt(0, ByteBuffer.wrap(last).getInt(0) + 1);
    CorruptCheckpointException e = corruptAt(write(first, last));
    assertEquals(first.length, e.offset());
    assertTrue(e.getMessage().contains("start with a whole record"), e.getMessage());
  }

  /** Bytes allocated by this thread while {@code body} runs (HotSpot's per-thread counter). */
  private static long allocatedBy(IoBody body) throws IOException {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(id);
    body.run();
    return threads.getThreadAllocatedBytes(id) - before;
  }

  interface IoBody {
    void run() throws IOException;
  }

  @Test
  void aHugeClaimedRecordLengthNeverAllocatesPastTheFile() throws IOException {
    byte[] claim = ByteBuffer.allocate(10).putInt(60 << 20).put((byte) 12).array();
    byte[] first = ThriftEncoder.log(List.of(ACTIVE));
    Path f = write(first, claim);
    long allocated = allocatedBy(() -> {
      try (LegacyCheckpointReader r = LegacyCheckpointReader.open(f, 0)) {
        assertEquals(1, readAll(r).size());
        assertEquals(new TornTail(first.length, 10), r.tornTail());
      }
    });
    assertTrue(allocated < 4 << 20, "allocated " + allocated + " bytes");
  }

  @Test
  void aHugeClaimedStringLengthNeverAllocatesPastTheRecord() throws IOException {
    // An unknown string field in a header claiming 60 MiB, in a record of a few bytes.
    byte[] s = ByteBuffer.allocate(3 + 3 + 4 + 2).put((byte) 12).putShort((short) 1)
        .put((byte) 11).putShort((short) 99).putInt(60 << 20).array();
    Path f = write(ThriftEncoder.frame(s));
    long allocated = allocatedBy(() -> assertEquals(0, corruptAt(f).offset()));
    assertTrue(allocated < 4 << 20, "allocated " + allocated + " bytes");
  }

  @Test
  void hostileThriftIsCorruptionNotACrash() throws IOException {
    // Deeply nested unknown structs: bounded skip depth, no StackOverflowError.
    byte[] nested = new byte[3 * 100_000 + 1];
    for (int i = 0; i < 100_000; i++) {
      nested[3 * i] = 12;
      nested[3 * i + 2] = 9;
    }
    CorruptCheckpointException deep = corruptAt(write(ThriftEncoder.frame(nested)));
    assertEquals(0, deep.offset());
    assertTrue(deep.getMessage().contains("skip depth"), deep.getMessage());
    // A string with a negative and with a huge length.
    for (int len : new int[] {-5, Integer.MAX_VALUE, 1 << 20}) {
      byte[] s = ByteBuffer.allocate(3 + 3 + 4 + 2).put((byte) 12).putShort((short) 1)
          .put((byte) 11).putShort((short) 1).putInt(len).array();
      CorruptCheckpointException e = corruptAt(write(ThriftEncoder.frame(s)));
      assertEquals(0, e.offset(), e.getMessage());
    }
    // A ports map claiming two billion entries.
    byte[] m = ByteBuffer.allocate(3 + 3 + 6 + 2).put((byte) 12).putShort((short) 1)
        .put((byte) 13).putShort((short) 6).put((byte) 11).put((byte) 10)
        .putInt(2_000_000_000).array();
    assertEquals(0, corruptAt(write(ThriftEncoder.frame(m))).offset());
  }
}
