package thermos.runner.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.proto.TaskState;
import thermos.proto.TaskStatus;

/**
 * Finding a task's live runner through its checkpoint: the pid of the latest status, alive, of
 * the uid the status recorded, started shortly before that pid first announced itself.
 */
class RunnerProcessTest {
  @TempDir Path dir;

  private static final double ANNOUNCED = FakeProc.BOOT + 1000;
  private FakeProc proc;

  @BeforeEach
  void setUp() throws Exception {
    proc = new FakeProc(dir.resolve("proc"));
  }

  private static TaskStatus status(TaskState s, double atSeconds, int pid, int uid) {
    return TaskStatus.newBuilder().setState(s).setTimestampMs(Math.round(atSeconds * 1000))
        .setRunnerPid(pid).setRunnerUid(uid).build();
  }

  /** An earlier runner (pid 7), then runner 77 announcing itself and writing on. */
  private static final List<TaskStatus> STATUSES = List.of(
      status(TaskState.ACTIVE, ANNOUNCED - 500, 7, 1000),
      status(TaskState.ACTIVE, ANNOUNCED, 77, 1000),
      status(TaskState.CLEANING, ANNOUNCED + 200, 77, 1000));

  private Optional<RunnerProcess> find() {
    return RunnerProcess.find(STATUSES, proc.table());
  }

  @Test
  void theRunnerIsFoundByPidUidAndAStartBeforeItsFirstStatus() {
    proc.add(77, 77, 1000, ANNOUNCED - 0.4); // a JVM writes its first status after starting
    Optional<RunnerProcess> r = find();
    assertTrue(r.isPresent());
    assertEquals(77, r.get().pid());
    assertTrue(r.get().isAlive());
  }

  @Test
  void aPidReusedAfterTheRunnerAnnouncedItselfIsNotTheRunner() {
    proc.add(77, 77, 1000, ANNOUNCED + 100);
    assertFalse(find().isPresent());
  }

  @Test
  void aProcessStartedLongBeforeTheAnnouncementIsNotTheRunner() {
    proc.add(77, 77, 1000, ANNOUNCED - RunnerProcess.MAX_START_TO_STATUS_SECS - 1);
    assertFalse(find().isPresent());
  }

  @Test
  void anotherUidIsNotTheRunner() {
    proc.add(77, 77, 1001, ANNOUNCED - 0.4);
    assertFalse(find().isPresent());
  }

  @Test
  void anUnreadableUidIsNotTheRunner() {
    proc.add(77, 77, 1000, ANNOUNCED - 0.4).noStatus();
    assertFalse(find().isPresent());
  }

  @Test
  void aZombieIsNotARunner() {
    proc.add(77, 77, 1000, ANNOUNCED - 0.4).zombie();
    assertFalse(find().isPresent());
  }

  @Test
  void theRunnerIsDeadOnceItsPidIsReused() {
    proc.add(77, 77, 1000, ANNOUNCED - 0.4);
    RunnerProcess r = find().orElseThrow();
    proc.procs.get(77).reusedAt(ANNOUNCED + 300);
    assertFalse(r.isAlive());
  }
}
