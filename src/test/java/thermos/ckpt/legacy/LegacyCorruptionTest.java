package thermos.ckpt.legacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import thermos.ckpt.CheckpointDispatcher;
import thermos.ckpt.CheckpointProblem;
import thermos.ckpt.CheckpointRecord;
import thermos.ckpt.LogReplay;
import thermos.ckpt.ReplayState;
import thermos.ckpt.TornTail;
import thermos.proto.RunnerState;

/** Damaged legacy logs: the valid prefix is replayed and the damage is reported, never thrown. */
class LegacyCorruptionTest {
  // In memory: thousands of damaged variants are written, and disk I/O would dominate.
  private final FileSystem fs = Jimfs.newFileSystem(Configuration.unix());
  private final Path dir = fs.getPath("/work");

  @AfterEach
  void closeFileSystem() throws IOException {
    fs.close();
  }

  /** The records of a fixture log, read whole. */
  private static List<CheckpointRecord> records(Path log) throws IOException {
    try (LegacyCheckpointReader r = LegacyCheckpointReader.open(log, 0)) {
      return LegacyCheckpointReaderTest.readAll(r);
    }
  }

  /** The state after the first {@code n} records, replayed directly. */
  private static RunnerState stateAfter(List<CheckpointRecord> records, int n) {
    ReplayState state = new ReplayState();
    CheckpointDispatcher d = new CheckpointDispatcher();
    for (CheckpointRecord r : records.subList(0, n)) {
      d.dispatch(state, r.ckpt());
    }
    return state.toProto();
  }

  private Path file(byte[] bytes) throws IOException {
    Path f = Files.createDirectories(dir).resolve("runner");
    Files.write(f, bytes);
    return f;
  }

  @Test
  void everyTruncationReplaysTheWholeRecordsAndReportsTheTornTail() throws IOException {
    int cases = 0;
    for (String task : Fixtures.TASKS) {
      byte[] bytes = Files.readAllBytes(Fixtures.runner(task));
      List<CheckpointRecord> records = records(Fixtures.runner(task));
      for (int cut = 0; cut <= bytes.length; cut++) {
        int whole = 0;
        while (whole < records.size() && records.get(whole).endOffset() <= cut) {
          whole++;
        }
        long boundary = whole == 0 ? 0 : records.get(whole - 1).endOffset();
        LogReplay.Result r = LogReplay.replay(file(Arrays.copyOf(bytes, cut)), false);
        String at = task + " cut at " + cut;
        assertNull(r.problem(), at);
        assertEquals(whole, r.records(), at);
        assertEquals(boundary, r.position(), at);
        assertEquals(stateAfter(records, whole), r.state().toProto(), at);
        assertEquals(cut == boundary ? null : new TornTail(boundary, cut - boundary),
            r.tornTail(), at);
        if (cut >= LegacyFormat.SNIFF_BYTES - 1) {
          assertEquals(LegacyFormat.NAME, r.format(), at);
        }
        cases++;
      }
    }
    assertEquals(4485, cases); // every cut of every runner log, 0 and full length included
  }

  @Test
  void everyFlippedLengthBitIsCorruptionAtThatRecord() throws IOException {
    for (String task : Fixtures.TASKS) {
      byte[] bytes = Files.readAllBytes(Fixtures.runner(task));
      List<CheckpointRecord> records = records(Fixtures.runner(task));
      for (int i = 0; i < records.size(); i++) {
        CheckpointRecord rec = records.get(i);
        for (int bit = 0; bit < 32; bit++) {
          byte[] damaged = bytes.clone();
          ByteBuffer b = ByteBuffer.wrap(damaged);
          b.putInt((int) rec.offset(), b.getInt((int) rec.offset()) ^ (1 << bit));
          LogReplay.Result r = LogReplay.replay(file(damaged), false);
          String at = task + " record " + i + " bit " + bit;
          CheckpointProblem p = r.problem();
          assertNotNull(p, at);
          assertEquals(CheckpointProblem.Kind.CORRUPT, p.kind(), at);
          assertEquals(rec.offset(), p.offset(), at);
          assertTrue(p.message().contains("at byte offset " + rec.offset()), at);
          assertEquals(LegacyFormat.NAME, r.format(), at);
          assertEquals(i, r.records(), at);
          assertEquals(stateAfter(records, i), r.state().toProto(), at);
        }
      }
    }
  }

  /**
   * Seeded random damage (overwritten runs of bytes, random garbage appended, random files): the
   * replay always returns, and corruption is found at or before the first damaged byte (a record
   * whose values changed but still decodes may be rejected later, by the dispatcher). Appended
   * garbage is always reported, at its first byte.
   */
  @Test
  void randomGarbageNeverEscapesAsAnException() throws IOException {
    Random random = new Random(20120515);
    List<byte[]> originals = new ArrayList<>();
    for (String task : Fixtures.TASKS) {
      originals.add(Files.readAllBytes(Fixtures.runner(task)));
    }
    for (int i = 0; i < 3000; i++) {
      byte[] bytes = originals.get(random.nextInt(originals.size())).clone();
      int from;
      switch (i % 3) {
        case 0 -> {
          from = random.nextInt(bytes.length);
          int len = 1 + random.nextInt(Math.min(16, bytes.length - from));
          byte[] junk = new byte[len];
          random.nextBytes(junk);
          System.arraycopy(junk, 0, bytes, from, len);
        }
        case 1 -> {
          from = bytes.length;
          byte[] junk = new byte[1 + random.nextInt(64)];
          random.nextBytes(junk);
          bytes = concat(bytes, junk);
        }
        default -> {
          from = 0;
          bytes = new byte[random.nextInt(200)];
          random.nextBytes(bytes);
        }
      }
      LogReplay.Result r = LogReplay.replay(file(bytes), false);
      if (i % 3 == 1) {
        // Garbage after whole records never passes for more records: it is reported, where it
        // starts, as corruption (or a rejected record) or as a torn tail.
        String at = "case " + i + ": " + r.problem() + ", " + r.tornTail();
        assertTrue(r.problem() != null || r.tornTail() != null, at);
        assertEquals(from, r.problem() != null ? r.problem().offset() : r.tornTail().offset(), at);
        assertEquals(from, r.position(), at);
      }
      if (r.problem() != null) {
        if (r.problem().kind() == CheckpointProblem.Kind.CORRUPT) {
          assertTrue(r.problem().offset() <= from, "corruption after the damage: " + r.problem());
        }
        assertTrue(r.problem().message().contains("at byte offset"), r.problem().message());
      }
      assertTrue(r.position() <= bytes.length);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
