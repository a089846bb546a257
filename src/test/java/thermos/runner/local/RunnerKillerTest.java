package thermos.runner.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.common.FakeClock;
import thermos.proto.TaskState;
import thermos.proto.TaskStatus;

/**
 * Killing a task's recorded runner to take its checkpoint: only the process proven to be that
 * runner, checked again as the signal is sent (a pid reused meanwhile is spared).
 */
class RunnerKillerTest {
  @TempDir Path dir;

  private static final double ANNOUNCED = FakeProc.BOOT + 1000;
  private static final List<TaskStatus> STATUSES = List.of(TaskStatus.newBuilder()
      .setState(TaskState.ACTIVE).setTimestampMs(Math.round(ANNOUNCED * 1000))
      .setRunnerPid(77).setRunnerUid(1000).build());

  private FakeProc proc;
  private final FakeClock clock = new FakeClock();

  @BeforeEach
  void setUp() throws Exception {
    proc = new FakeProc(dir.resolve("proc"));
  }

  private RunnerKiller killer(long self) {
    return new RunnerKiller(proc.table(), proc.signaller(), clock,
        nanos -> clock.advance(Duration.ofNanos(nanos)), self);
  }

  @Test
  void theProvenRunnerIsKilled() {
    proc.add(77, 77, 1000, ANNOUNCED - 0.5);
    assertEquals(RunnerKiller.Outcome.KILLED, killer(1).killLeader(STATUSES, Duration.ofSeconds(5)));
    assertEquals(List.of("77:KILL"), proc.signals);
  }

  @Test
  void aPidReusedBetweenTheProofAndTheSignalIsSpared() {
    proc.add(77, 77, 1000, ANNOUNCED - 0.5);
    // The runner dies and its pid is reused right after it was proven the runner.
    proc.onLookup = pid -> proc.procs.get(pid).reusedAt(ANNOUNCED + 60);
    assertEquals(RunnerKiller.Outcome.NOT_RUNNING,
        killer(1).killLeader(STATUSES, Duration.ofSeconds(5)));
    assertEquals(List.of(), proc.signals);
  }

  @Test
  void aProcessThatIsNotTheRunnerIsNeverSignalled() {
    proc.add(77, 77, 1000, ANNOUNCED + 60); // pid reused before we looked
    assertEquals(RunnerKiller.Outcome.NOT_RUNNING,
        killer(1).killLeader(STATUSES, Duration.ofSeconds(5)));
    assertEquals(List.of(), proc.signals);
  }

  @Test
  void aRunnerThatWillNotDieIsReportedAfterTheWait() {
    proc.add(77, 77, 1000, ANNOUNCED - 0.5).unkillable = true;
    long start = clock.nanoTime();
    assertEquals(RunnerKiller.Outcome.STILL_ALIVE,
        killer(1).killLeader(STATUSES, Duration.ofSeconds(5)));
    assertTrue(clock.nanoTime() - start >= Duration.ofSeconds(5).toNanos());
  }

  @Test
  void itNeverKillsItself() {
    proc.add(77, 77, 1000, ANNOUNCED - 0.5);
    assertThrows(IllegalStateException.class,
        () -> killer(77).killLeader(STATUSES, Duration.ofSeconds(5)));
    assertEquals(List.of(), proc.signals);
  }
}
