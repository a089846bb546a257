package thermos.ckpt.legacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.ckpt.CheckpointProblem;
import thermos.ckpt.LogReplay;
import thermos.proto.ProcessState;
import thermos.proto.ProcessStatus;
import thermos.proto.RunnerCkpt;
import thermos.proto.RunnerState;

class CoordinatorLogSourceTest {
  @TempDir Path dir;

  private static List<ProcessStatus> runs(CoordinatorLogSource.Replay r, String process) {
    return r.result().state().toProto().getProcessesOrThrow(process).getRunsList();
  }

  @Test
  void coordinatorLogsReplayWithTheirWaitingRecordsSupplied() throws IOException {
    CoordinatorLogSource.Replay p3 = CoordinatorLogSource.replay(
        Fixtures.coordinator("failure", "p3"));
    assertTrue(p3.coordinatorMode());
    assertTrue(p3.result().clean(), () -> String.valueOf(p3.result().problem()));
    assertEquals(9, p3.result().records());
    assertEquals(3, p3.supplied());
    assertEquals(486, p3.result().position());
    List<ProcessStatus> runs = runs(p3, "p3");
    assertEquals(List.of(ProcessState.FAILED, ProcessState.FAILED, ProcessState.SUCCESS),
        runs.stream().map(ProcessStatus::getState).toList());
    assertEquals(List.of(3L, 7L, 11L), runs.stream().map(ProcessStatus::getSeq).toList());
    assertEquals(List.of(1, 1, 0), runs.stream().map(ProcessStatus::getReturnCode).toList());
    // The runs are those of the runner checkpoint.
    RunnerState runner = LogReplay.replay(Fixtures.runner("failure"), false).state().toProto();
    assertEquals(runner.getProcessesOrThrow("p3").getRunsList(), runs);
  }

  @Test
  void everyFixtureCoordinatorLogAgreesWithItsRunnerLog() throws IOException {
    int logs = 0;
    for (String task : Fixtures.TASKS) {
      RunnerState runner = LogReplay.replay(Fixtures.runner(task), false).state().toProto();
      for (String process : runner.getProcessesMap().keySet()) {
        CoordinatorLogSource.Replay c = CoordinatorLogSource.replay(
            Fixtures.coordinator(task, process));
        assertTrue(c.result().clean(), task + "/" + process);
        List<ProcessStatus> expected = runner.getProcessesOrThrow(process).getRunsList();
        if (task.equals("sleep60")) {
          // The runner killed it: the KILLED record is the runner's alone.
          assertEquals(ProcessState.KILLED, expected.get(0).getState());
          assertEquals(ProcessState.RUNNING, runs(c, process).get(0).getState());
        } else {
          assertEquals(expected, runs(c, process), task + "/" + process);
        }
        logs++;
      }
    }
    assertEquals(12, logs);
  }

  @Test
  void runnerLogsPassThroughUnchanged() throws IOException {
    CoordinatorLogSource.Replay r = CoordinatorLogSource.replay(Fixtures.runner("failure"));
    assertFalse(r.coordinatorMode());
    assertEquals(0, r.supplied());
    assertEquals(LogReplay.replay(Fixtures.runner("failure"), false).state().toProto(),
        r.result().state().toProto());
  }

  /** A run ended by a runner-only record (LOST) leaves a gap: reported, not papered over. */
  @Test
  void aGapLeftByARunnerOnlyRecordIsStillReported() throws IOException {
    Path log = dir.resolve("coordinator.p");
    Files.write(log, ThriftEncoder.log(List.of(
        process(1, ProcessState.FORKED), process(2, ProcessState.RUNNING),
        process(5, ProcessState.FORKED))));
    CoordinatorLogSource.Replay r = CoordinatorLogSource.replay(log);
    CheckpointProblem problem = r.result().problem();
    assertEquals(CheckpointProblem.Kind.INVALID_RECORD, problem.kind());
    assertTrue(problem.message().contains("sequence gap"), problem.message());
    assertEquals(2, r.result().records());
  }

  private static RunnerCkpt process(long seq, ProcessState state) {
    ProcessStatus.Builder p = ProcessStatus.newBuilder().setSeq(seq).setProcess("p")
        .setState(state);
    switch (state) {
      case FORKED -> p.setForkTime(1).setCoordinatorPid(10);
      case RUNNING -> p.setStartTime(2).setPid(11);
      default -> p.setStopTime(3).setReturnCode(0);
    }
    return RunnerCkpt.newBuilder().setProcessStatus(p).build();
  }
}
