package thermos.ckpt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.proto.ProcessState;
import thermos.proto.RunnerCkpt;
import thermos.proto.RunnerHeader;
import thermos.proto.TaskState;

/** The writer's durability policy, recovery of a torn tail, and refusal of a corrupt log. */
class CheckpointWriterTest {
  @TempDir Path tmp;

  /** A Syncer that counts calls and notes how long the file was at each. */
  static final class CountingSyncer implements Syncer {
    final List<Long> sizesAtSync = new ArrayList<>();
    final List<Path> directoriesSynced = new ArrayList<>();

    @Override
    public void sync(FileChannel channel) throws IOException {
      sizesAtSync.add(channel.size());
    }

    @Override
    public void syncDirectory(Path dir) {
      directoriesSynced.add(dir);
    }

    int count() {
      return sizesAtSync.size();
    }
  }

  private static final List<RunnerCkpt> RECORDS = List.of(
      Ckpts.task(TaskState.ACTIVE), Ckpts.header("t"),
      Ckpts.proc("p", 0, ProcessState.WAITING), Ckpts.proc("p", 1, ProcessState.FORKED));

  @Test
  void everyRecordPolicySyncsOncePerAppendAfterWritingIt() throws IOException {
    CountingSyncer syncer = new CountingSyncer();
    Path log = tmp.resolve("runner");
    try (CheckpointWriter w = CheckpointWriter.open(log,
        CheckpointWriter.Options.defaults().withSyncer(syncer), r -> { })) {
      assertEquals(0, syncer.count(), "opening an empty log needs no sync");
      for (int i = 0; i < RECORDS.size(); i++) {
        long offset = w.append(RECORDS.get(i));
        assertEquals(i + 1, syncer.count(), "one sync per append, before it returns");
        assertEquals(offset + Ckpts.frame(RECORDS.get(i)).length, syncer.sizesAtSync.get(i),
            "the record was written before the sync");
        assertEquals(w.size(), Files.size(log));
      }
      w.flush();
      assertEquals(RECORDS.size(), syncer.count(), "flush has nothing more to sync");
    }
    assertEquals(RECORDS.size(), syncer.count(), "close has nothing more to sync");
    assertArrayEquals(Ckpts.frames(RECORDS), Files.readAllBytes(log));
  }

  @Test
  void creatingTheLogSyncsItsDirectoryOnceAndReopeningDoesNot() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("checkpoints/t"));
    Path log = dir.resolve("runner");
    CountingSyncer syncer = new CountingSyncer();
    CheckpointWriter.Options options = CheckpointWriter.Options.defaults().withSyncer(syncer);
    try (CheckpointWriter w = CheckpointWriter.open(log, options, r -> { })) {
      assertEquals(List.of(dir.toAbsolutePath()), syncer.directoriesSynced,
          "the new log's directory entry is made durable before any append");
      w.append(RECORDS.get(0));
      w.append(RECORDS.get(1));
    }
    assertEquals(1, syncer.directoriesSynced.size(), "once, not per record");
    assertEquals(2, syncer.count());

    try (CheckpointWriter w = CheckpointWriter.open(log, options, r -> { })) {
      w.append(RECORDS.get(2));
    }
    assertEquals(1, syncer.directoriesSynced.size(), "an existing log and lock: nothing new");

    Files.delete(CheckpointWriter.lockFileOf(log)); // e.g. an imported log, no lock file yet
    try (CheckpointWriter w = CheckpointWriter.open(log, options, r -> { })) {
      assertEquals(2, syncer.directoriesSynced.size(), "the new lock file's entry is synced");
    }
  }

  @Test
  void batchedPolicySyncsOnlyOnFlushAndClose() throws IOException {
    CountingSyncer syncer = new CountingSyncer();
    Path log = tmp.resolve("runner");
    CheckpointWriter.Options batched = CheckpointWriter.Options.defaults()
        .withSyncPolicy(SyncPolicy.BATCHED).withSyncer(syncer);
    try (CheckpointWriter w = CheckpointWriter.open(log, batched, r -> { })) {
      for (RunnerCkpt r : RECORDS) {
        w.append(r);
      }
      assertEquals(0, syncer.count());
      assertEquals(0, Files.size(log), "batched records stay in memory until a flush");
      assertEquals(Ckpts.frames(RECORDS).length, w.size());
      w.flush();
      assertEquals(List.of((long) Ckpts.frames(RECORDS).length), syncer.sizesAtSync);
      assertArrayEquals(Ckpts.frames(RECORDS), Files.readAllBytes(log));
      w.append(Ckpts.proc("p", 2, ProcessState.RUNNING));
      assertEquals(1, syncer.count());
    }
    assertEquals(2, syncer.count(), "close writes and syncs the rest");
    assertEquals(Files.size(log), syncer.sizesAtSync.get(1));
    assertEquals(RECORDS.size() + 1, LogReplay.replay(log, false).records());
  }

  @Test
  void batchedPolicyWritesAFullBatchAndOversizedRecordsWithoutSyncing() throws IOException {
    CountingSyncer syncer = new CountingSyncer();
    Path log = tmp.resolve("runner");
    CheckpointWriter.Options batched = CheckpointWriter.Options.defaults()
        .withSyncPolicy(SyncPolicy.BATCHED).withSyncer(syncer);
    RunnerCkpt big = RunnerCkpt.newBuilder().setRunnerHeader(RunnerHeader.newBuilder()
        .setTaskId("t").setSandbox("/s".repeat(200_000))).build();
    try (CheckpointWriter w = CheckpointWriter.open(log, batched, r -> { })) {
      w.append(Ckpts.task(TaskState.ACTIVE));
      w.append(big); // larger than the batch buffer
      for (int i = 0; i < 20_000; i++) {
        w.append(Ckpts.task(TaskState.ACTIVE));
      }
      assertTrue(Files.size(log) > 400_000, "full batches are written");
      assertEquals(0, syncer.count(), "but not synced");
    }
    assertEquals(1, syncer.count());
    LogReplay.Result r = LogReplay.replay(log, true);
    assertTrue(r.clean());
    assertEquals(20_002, r.records());
    assertEquals(big.getRunnerHeader(), r.state().header());
  }

  @Test
  void reopeningAfterATornTailTruncatesItAndSyncsThenAppendsContinue() throws IOException {
    Path log = tmp.resolve("runner");
    byte[] whole = Ckpts.frames(RECORDS);
    byte[] partial = Ckpts.frame(Ckpts.proc("p", 2, ProcessState.RUNNING));
    ByteBuffer torn = ByteBuffer.allocate(whole.length + 11).put(whole).put(partial, 0, 11);
    Files.write(log, torn.array());
    CountingSyncer syncer = new CountingSyncer();
    List<CheckpointRecord> existing = new ArrayList<>();
    try (CheckpointWriter w = CheckpointWriter.open(log,
        CheckpointWriter.Options.defaults().withSyncer(syncer), existing::add)) {
      assertEquals(new TornTail(whole.length, 11), w.truncatedTail());
      assertEquals(List.of((long) whole.length), syncer.sizesAtSync, "truncated, then synced");
      assertEquals(RECORDS, existing.stream().map(CheckpointRecord::ckpt).toList());
      assertEquals(whole.length, w.append(Ckpts.proc("p", 2, ProcessState.RUNNING)));
    }
    LogReplay.Result r = LogReplay.replay(log, false);
    assertTrue(r.clean());
    assertNull(r.tornTail());
    assertEquals(RECORDS.size() + 1, r.records());
    assertEquals(ProcessState.RUNNING, r.state().latestState("p"));
  }

  @Test
  void aCorruptMiddleRecordMakesOpenFailWithoutTouchingTheFile() throws IOException {
    Path log = tmp.resolve("runner");
    byte[] bytes = Ckpts.frames(RECORDS);
    int second = Ckpts.frame(RECORDS.get(0)).length;
    bytes[second + CheckpointFormat.HEADER_BYTES + 2] ^= 0x10; // a payload byte of record 2
    Files.write(log, bytes);
    for (int attempt = 0; attempt < 2; attempt++) { // the failed open released its lock
      CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class,
          () -> CheckpointWriter.open(log));
      assertEquals(second, e.offset());
      assertEquals(log, e.file());
      assertTrue(e.getMessage().contains("byte offset " + second), e.getMessage());
      assertArrayEquals(bytes, Files.readAllBytes(log), "the log is left as it was");
    }
  }

  @Test
  void aDamagedLengthInTheFirstRecordIsCorruptionNotATailToCutOff() throws IOException {
    Path log = tmp.resolve("runner");
    byte[] bytes = Ckpts.frames(RECORDS);
    bytes[2] ^= 0x08; // length + 2048: past the end of this small file
    Files.write(log, bytes);
    CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class,
        () -> CheckpointWriter.open(log));
    assertEquals(0, e.offset());
    assertArrayEquals(bytes, Files.readAllBytes(log), "not truncated to nothing");
  }

  @Test
  void aRejectingConsumerClosesTheWriterAndReleasesTheLock() throws IOException {
    Path log = tmp.resolve("runner");
    try (CheckpointWriter w = CheckpointWriter.open(log)) {
      w.append(Ckpts.task(TaskState.ACTIVE));
    }
    assertThrows(IllegalStateException.class, () -> CheckpointWriter.open(log,
        CheckpointWriter.Options.defaults(), r -> {
          throw new IllegalStateException("no thanks");
        }));
    try (CheckpointWriter w = CheckpointWriter.open(log)) {
      assertEquals(Files.size(log), w.size());
    }
  }

  @Test
  void badAppendsAreRefusedAndWriteNothing() throws IOException {
    Path log = tmp.resolve("runner");
    CheckpointWriter w = CheckpointWriter.open(log);
    assertThrows(IllegalArgumentException.class, () -> w.append(RunnerCkpt.getDefaultInstance()));
    RunnerCkpt huge = RunnerCkpt.newBuilder().setRunnerHeader(RunnerHeader.newBuilder()
        .setTaskId("x".repeat(CheckpointFormat.MAX_PAYLOAD_BYTES))).build();
    assertThrows(IllegalArgumentException.class, () -> w.append(huge));
    assertEquals(0, Files.size(log));
    w.close();
    w.close(); // idempotent
    assertThrows(IOException.class, () -> w.append(Ckpts.task(TaskState.ACTIVE)));
    assertThrows(IOException.class, w::flush);
  }

  @Test
  void theWriterAppendsAfterExistingRecordsAtTheRightOffsets() throws IOException {
    Path log = tmp.resolve("runner");
    try (CheckpointWriter w = CheckpointWriter.open(log)) {
      assertEquals(0, w.append(RECORDS.get(0)));
    }
    try (FileChannel ch = FileChannel.open(log, StandardOpenOption.READ);
        CheckpointWriter w = CheckpointWriter.open(log)) {
      long expected = ch.size();
      for (RunnerCkpt r : RECORDS.subList(1, RECORDS.size())) {
        assertEquals(expected, w.append(r));
        expected += Ckpts.frame(r).length;
      }
    }
    assertArrayEquals(Ckpts.frames(RECORDS), Files.readAllBytes(log));
  }

  @Test
  void aFailedSyncBreaksTheWriter() throws IOException {
    Path log = tmp.resolve("runner");
    int[] calls = {0};
    Syncer failingSecond = ch -> {
      if (++calls[0] == 2) {
        throw new IOException("EIO from fdatasync");
      }
    };
    CheckpointWriter w = CheckpointWriter.open(log,
        CheckpointWriter.Options.defaults().withSyncer(failingSecond), r -> { });
    w.append(RECORDS.get(0));
    assertEquals("EIO from fdatasync",
        assertThrows(IOException.class, () -> w.append(RECORDS.get(1))).getMessage());
    IOException refused = assertThrows(IOException.class, () -> w.append(RECORDS.get(2)));
    assertTrue(refused.getMessage().contains("failed an earlier append"), refused.getMessage());
    assertThrows(IOException.class, w::flush);
    w.close();
    assertEquals(2, LogReplay.replay(log, false).records(), "nothing after the failure");
  }

  @Test
  void aFailedBatchSyncBreaksTheWriterToo() throws IOException {
    Path log = tmp.resolve("runner");
    Syncer failing = ch -> {
      throw new IOException("EIO from fdatasync");
    };
    CheckpointWriter w = CheckpointWriter.open(log, CheckpointWriter.Options.defaults()
        .withSyncPolicy(SyncPolicy.BATCHED).withSyncer(failing), r -> { });
    w.append(RECORDS.get(0));
    assertThrows(IOException.class, w::flush);
    assertThrows(IOException.class, () -> w.append(RECORDS.get(1)));
    w.close(); // does not try to write or sync again
  }
}
