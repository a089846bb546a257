package thermos.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static thermos.monitor.MonitorFixture.TASK;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.ckpt.CheckpointProblem;
import thermos.ckpt.CheckpointWriter;
import thermos.ckpt.Ckpts;
import thermos.ckpt.TornTail;
import thermos.ckpt.golden.GoldenLogs;
import thermos.proto.ProcessState;
import thermos.proto.RunnerCkpt;
import thermos.proto.RunnerState;
import thermos.proto.TaskState;

/** Incremental replay, torn tails, corruption, replaced logs and the query methods. */
class TaskMonitorTest {
  @TempDir Path root;
  private MonitorFixture fx;
  private TaskMonitor monitor;

  private static final List<RunnerCkpt> START = List.of(Ckpts.task(TaskState.ACTIVE),
      Ckpts.header(TASK), Ckpts.proc("web", 0, ProcessState.WAITING));

  @BeforeEach
  void setUp() {
    fx = new MonitorFixture(root);
    monitor = new TaskMonitor(fx.paths, TASK);
  }

  @Test
  void aMissingCheckpointIsNoStateAndNoError() {
    assertFalse(monitor.refresh());
    assertEquals(Optional.empty(), monitor.taskState());
    assertEquals(Optional.empty(), monitor.header());
    assertEquals(Optional.empty(), monitor.sandbox());
    assertEquals(RunnerState.getDefaultInstance(), monitor.getState());
    assertEquals(Optional.empty(), monitor.problem());
    assertEquals(List.of(), monitor.activeProcesses());
    assertEquals(fx.log(), monitor.checkpoint());
    assertEquals(TASK, monitor.taskId());
  }

  @Test
  void refreshAppliesOnlyNewRecordsAndReportsWhetherAnythingChanged() throws IOException {
    try (CheckpointWriter w = CheckpointWriter.open(createLog())) {
      for (RunnerCkpt r : START) {
        w.append(r);
      }
      assertTrue(monitor.refresh());
      assertEquals(w.size(), monitor.position());
      assertFalse(monitor.refresh(), "nothing new");
      assertEquals(Optional.of(TaskState.ACTIVE), monitor.taskState());
      assertEquals("thermos-jvm", monitor.format());

      // Damage bytes already applied: an incremental refresh never reads them again.
      fx.overwrite(3, new byte[] {0x7f, 0x7f, 0x7f, 0x7f});
      long before = monitor.position();
      w.append(Ckpts.proc("web", 1, ProcessState.FORKED));
      assertTrue(monitor.refresh());
      assertEquals(Optional.empty(), monitor.problem(), "old bytes were not re-read");
      assertEquals(before + Ckpts.frame(Ckpts.proc("web", 1, ProcessState.FORKED)).length,
          monitor.position());
      assertEquals(ProcessState.FORKED,
          monitor.getState().getProcessesOrThrow("web").getRuns(0).getState());
      assertFalse(monitor.refresh());
    }
  }

  @Test
  void aTornTailIsNotAnErrorAndIsReadOnceComplete() throws IOException {
    fx.appendRaw(START);
    assertTrue(monitor.refresh());
    byte[] next = Ckpts.frame(Ckpts.proc("web", 1, ProcessState.FORKED));
    long boundary = monitor.position();
    fx.appendRaw(java.util.Arrays.copyOf(next, 5));
    assertFalse(monitor.refresh());
    assertEquals(Optional.of(new TornTail(boundary, 5)), monitor.tornTail());
    fx.appendRaw(java.util.Arrays.copyOfRange(next, 5, 12));
    assertFalse(monitor.refresh());
    assertEquals(Optional.of(new TornTail(boundary, 12)), monitor.tornTail());
    assertEquals(Optional.empty(), monitor.problem());
    fx.appendRaw(java.util.Arrays.copyOfRange(next, 12, next.length));
    assertTrue(monitor.refresh());
    assertEquals(Optional.empty(), monitor.tornTail());
    assertEquals(boundary + next.length, monitor.position());
  }

  @Test
  void corruptionIsReportedAndTheValidPrefixKept() throws IOException {
    fx.appendRaw(START);
    assertTrue(monitor.refresh());
    long bad = monitor.position();
    byte[] payload = Ckpts.proc("web", 1, ProcessState.FORKED).toByteArray();
    fx.appendRaw(Ckpts.frame(payload, 0xdeadbeef));
    assertTrue(monitor.refresh(), "a new problem is a change");
    assertFalse(monitor.refresh(), "the same problem is not");
    CheckpointProblem p = monitor.problem().orElseThrow();
    assertEquals(CheckpointProblem.Kind.CORRUPT, p.kind());
    assertEquals(bad, p.offset());
    assertEquals(fx.log(), p.file());
    assertEquals(ProcessState.WAITING,
        monitor.getState().getProcessesOrThrow("web").getRuns(0).getState());
    fx.appendRaw(List.of(Ckpts.proc("web", 2, ProcessState.RUNNING)));
    assertFalse(monitor.refresh(), "read again, the corrupt record is found again; nothing after"
        + " it is applied");
    assertEquals(p, monitor.problem().orElseThrow());
    assertEquals(bad, monitor.position());
  }

  @Test
  void anInvalidRecordIsReportedAsSuch() throws IOException {
    fx.appendRaw(START);
    long bad = Ckpts.frames(START).length;
    fx.appendRaw(List.of(Ckpts.proc("web", 7, ProcessState.FORKED)));
    assertTrue(monitor.refresh(), "the valid records applied");
    CheckpointProblem p = monitor.problem().orElseThrow();
    assertEquals(CheckpointProblem.Kind.INVALID_RECORD, p.kind());
    assertEquals(bad, p.offset());
    assertTrue(p.message().contains("sequence"), p.message());
  }

  @Test
  void aReplacedLogIsReplayedAfresh() throws IOException {
    fx.appendRaw(START);
    fx.appendRaw(List.of(Ckpts.proc("web", 1, ProcessState.FORKED)));
    assertTrue(monitor.refresh());
    Path other = root.resolve("other");
    Files.write(other, Ckpts.frames(List.of(Ckpts.task(TaskState.ACTIVE),
        Ckpts.header("replacement"))));
    Files.move(other, fx.log(), StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
    assertTrue(monitor.refresh());
    RunnerState s = monitor.getState();
    assertEquals("replacement", s.getHeader().getTaskId());
    assertEquals(0, s.getProcessesCount());
    assertEquals(Files.size(fx.log()), monitor.position());
  }

  @Test
  void aLogThatShrinksInPlaceIsReplayedAfresh() throws IOException {
    fx.appendRaw(START);
    assertTrue(monitor.refresh());
    try (var ch = java.nio.channels.FileChannel.open(fx.log(),
        java.nio.file.StandardOpenOption.WRITE)) {
      ch.truncate(Ckpts.frame(START.get(0)).length);
    }
    assertTrue(monitor.refresh());
    assertFalse(monitor.getState().hasHeader());
    assertEquals(1, monitor.getState().getStatusesCount());
  }

  @Test
  void aProblemIsClearedWhenTheLogIsReplaced() throws IOException {
    fx.appendRaw(Ckpts.frame(new byte[] {1, 2, 3}, 0));
    assertTrue(monitor.refresh(), "a new problem is a change");
    assertTrue(monitor.problem().isPresent());
    Path fresh = root.resolve("fresh");
    Files.write(fresh, Ckpts.frames(START));
    Files.move(fresh, fx.log(), StandardCopyOption.REPLACE_EXISTING);
    assertTrue(monitor.refresh());
    assertEquals(Optional.empty(), monitor.problem());
  }

  @Test
  void queriesOverAGoldenLogWithARunningDaemon() throws IOException {
    copyGolden("daemon");
    List<TaskMonitor.ActiveProcess> active = monitor.activeProcesses();
    assertEquals(1, active.size());
    assertEquals("server", active.get(0).status().getProcess());
    assertEquals(ProcessState.RUNNING, active.get(0).status().getState());
    assertEquals(3, active.get(0).run(), "the fourth run");
    assertEquals(Optional.of("/var/sandbox/daemon"), monitor.sandbox());
    assertEquals(Optional.of(TaskState.ACTIVE), monitor.taskState());
    assertEquals(4, monitor.getState().getProcessesOrThrow("server").getRunsCount());
  }

  @Test
  void truncateModeKeepsOnlyTheLatestRun() throws IOException {
    copyGolden("failure_retries");
    TaskMonitor cut = new TaskMonitor(fx.paths, TASK,
        TaskMonitor.Options.defaults().withTruncate(true));
    RunnerState s = cut.getState();
    assertEquals(1, s.getStatusesCount());
    assertEquals(TaskState.FAILED, s.getStatuses(0).getState());
    assertEquals(1, s.getProcessesOrThrow("broken").getRunsCount());
    assertEquals(127, s.getProcessesOrThrow("broken").getRuns(0).getReturnCode());
    assertEquals(List.of(), cut.activeProcesses());
  }

  @Test
  void sentinelsSayActiveOrFinished() throws IOException {
    assertFalse(monitor.active());
    assertFalse(monitor.finished());
    Files.createDirectories(fx.paths.tasksDir(thermos.ckpt.TaskPath.TaskFileState.ACTIVE));
    Files.writeString(fx.paths.activeTaskFile(TASK), "{}");
    assertTrue(monitor.active());
    Files.createDirectories(fx.paths.tasksDir(thermos.ckpt.TaskPath.TaskFileState.FINISHED));
    Files.move(fx.paths.activeTaskFile(TASK), fx.paths.finishedTaskFile(TASK));
    assertFalse(monitor.active());
    assertTrue(monitor.finished());
  }

  @Test
  void aRecordOfExactlyTheTornTailsLengthIsSeenThoughTheStatIsUnchanged() throws IOException {
    fx.appendRaw(START);
    assertTrue(monitor.refresh());
    long boundary = monitor.position();
    RunnerCkpt next = Ckpts.proc("web", 1, ProcessState.FORKED);
    int length = Ckpts.frame(next).length;
    // A crashed writer left the first `length` bytes of a longer record.
    byte[] longer = Ckpts.frame(Ckpts.header("a-much-longer-task-id-than-the-record-that-follows"));
    assertTrue(longer.length > length);
    fx.appendRaw(java.util.Arrays.copyOf(longer, length));
    assertFalse(monitor.refresh());
    assertEquals(Optional.of(new TornTail(boundary, length)), monitor.tornTail());
    FileTime mtime = Files.getLastModifiedTime(fx.log());

    // The next writer cuts the tail and appends a record of exactly that length.
    try (CheckpointWriter w = CheckpointWriter.open(fx.log())) {
      assertEquals(new TornTail(boundary, length), w.truncatedTail());
      w.append(next);
    }
    Files.setLastModifiedTime(fx.log(), mtime); // same size, same mtime: only the tail differs
    assertEquals(boundary + length, Files.size(fx.log()));

    assertTrue(monitor.refresh(), "a pending torn tail is always read again");
    assertEquals(Optional.empty(), monitor.tornTail());
    assertEquals(boundary + length, monitor.position());
    assertEquals(ProcessState.FORKED,
        monitor.getState().getProcessesOrThrow("web").getRuns(0).getState());
  }

  @Test
  void garbageAtTheTailOverwrittenByTheRunnersNextRecordClearsTheProblem() throws IOException {
    fx.createLogDir();
    try (CheckpointWriter w = CheckpointWriter.open(fx.log())) {
      for (RunnerCkpt r : START) {
        w.append(r);
      }
      assertTrue(monitor.refresh());
      long end = w.size();
      fx.appendRaw(new byte[] {0, 0, 0, 0, 0, 0, 0, 0}); // someone else's bytes: a zero length
      assertTrue(monitor.refresh());
      assertEquals(end, monitor.problem().orElseThrow().offset());

      // The runner writes at its own offset, over the garbage (a longer record: the size grows).
      w.append(Ckpts.proc("web", 1, ProcessState.FORKED));
      assertTrue(monitor.refresh(), "the problem went away and a record was applied");
      assertEquals(Optional.empty(), monitor.problem());
      assertEquals(w.size(), monitor.position());
      assertEquals(ProcessState.FORKED,
          monitor.getState().getProcessesOrThrow("web").getRuns(0).getState());
    }
  }

  @Test
  void aRealCorruptRecordInTheMiddleIsFoundAgainAfterEveryChange() throws IOException {
    fx.appendRaw(START);
    long bad = Files.size(fx.log());
    fx.appendRaw(Ckpts.frame(Ckpts.proc("web", 1, ProcessState.FORKED).toByteArray(), 7));
    assertTrue(monitor.refresh());
    for (int i = 0; i < 3; i++) {
      fx.appendRaw(List.of(Ckpts.task(TaskState.ACTIVE)));
      assertFalse(monitor.refresh(), "round " + i);
      assertEquals(bad, monitor.problem().orElseThrow().offset());
      assertEquals(bad, monitor.position());
      assertEquals(1, monitor.getState().getStatusesCount(), "the valid prefix's state");
    }
  }

  @Test
  void aRefreshWithNothingNewCostsAStatAndReadsNothing() throws IOException {
    fx.appendRaw(START);
    assertTrue(monitor.refresh());
    long bad = monitor.position();
    byte[] payload = Ckpts.proc("web", 1, ProcessState.FORKED).toByteArray();
    fx.appendRaw(Ckpts.frame(payload, 0x12345678));
    assertTrue(monitor.refresh());
    assertEquals(bad, monitor.problem().orElseThrow().offset());
    FileTime mtime = Files.getLastModifiedTime(fx.log());

    // Repair the record in place (same size) and put the mtime back: the stat is unchanged, so a
    // refresh that only stats cannot know; one that read the log would clear the problem.
    fx.overwrite(bad, Ckpts.frame(payload, thermos.ckpt.CheckpointFormat.crc32c(payload, 0,
        payload.length)));
    Files.setLastModifiedTime(fx.log(), mtime);
    assertFalse(monitor.refresh(), "nothing new by the stat: nothing read");
    assertEquals(bad, monitor.problem().orElseThrow().offset());

    // Once the stat changes, the log is read from the end of the valid prefix again.
    Files.setLastModifiedTime(fx.log(), FileTime.fromMillis(mtime.toMillis() + 2000));
    assertTrue(monitor.refresh());
    assertEquals(Optional.empty(), monitor.problem());
    assertEquals(Files.size(fx.log()), monitor.position());
  }

  @Test
  void anIncrementalRefreshNeverLooksAtTheStartOfTheLogAgain() throws IOException {
    fx.appendRaw(START);
    assertTrue(monitor.refresh());
    assertEquals("thermos-jvm", monitor.format());
    // Make the first record's CRC read as a Thrift struct header (0x0c 0x00 0x01): format
    // detection would now call the file a legacy Thermos log, and reading it as one would fail.
    fx.overwrite(4, new byte[] {0x0c, 0x00, 0x01});
    assertEquals("thermos-legacy", thermos.ckpt.LogReplay.replay(fx.log(), false).format(),
        "the trap works: a fresh replay detects legacy");
    fx.appendRaw(List.of(Ckpts.proc("web", 1, ProcessState.FORKED)));
    assertTrue(monitor.refresh());
    assertEquals(Optional.empty(), monitor.problem(), "the start was not read again");
    assertEquals("thermos-jvm", monitor.format(), "the format was remembered");
    assertEquals(Files.size(fx.log()), monitor.position());
    assertEquals(ProcessState.FORKED,
        monitor.getState().getProcessesOrThrow("web").getRuns(0).getState());
  }

  @Test
  void getStateIsACopy() throws IOException {
    fx.appendRaw(START);
    RunnerState first = monitor.getState();
    fx.appendRaw(List.of(Ckpts.proc("web", 1, ProcessState.FORKED)));
    RunnerState second = monitor.getState();
    assertEquals(ProcessState.WAITING, first.getProcessesOrThrow("web").getRuns(0).getState());
    assertEquals(ProcessState.FORKED, second.getProcessesOrThrow("web").getRuns(0).getState());
  }

  private Path createLog() throws IOException {
    fx.createLogDir();
    return fx.log();
  }

  private void copyGolden(String scenario) throws IOException {
    fx.createLogDir();
    Files.copy(GoldenLogs.DIR.resolve(scenario).resolve(GoldenLogs.LOG), fx.log());
  }
}
