package thermos.ckpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import thermos.ckpt.golden.GoldenLogs;
import thermos.proto.ProcessHistory;
import thermos.proto.ProcessState;
import thermos.proto.RunnerState;
import thermos.proto.TaskState;

/** Truncate mode keeps only the latest status and run of each process, with true run counts. */
class TruncateModeTest {
  static java.util.stream.Stream<String> scenarios() {
    return GoldenBytes.names();
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void truncateModeKeepsTheLatestOfEverythingAndTheRunCounts(String scenario)
      throws IOException {
    java.nio.file.Path log = GoldenLogs.DIR.resolve(scenario).resolve(GoldenLogs.LOG);
    LogReplay.Result full = LogReplay.replay(log, false);
    LogReplay.Result cut = LogReplay.replay(log, true);
    assertTrue(cut.clean());
    assertTrue(cut.state().truncating());
    assertFalse(full.state().truncating());
    RunnerState f = full.state().toProto();
    RunnerState t = cut.state().toProto();
    assertEquals(f.getHeader(), t.getHeader());
    assertEquals(List.of(f.getStatuses(f.getStatusesCount() - 1)), t.getStatusesList());
    assertEquals(f.getProcessesMap().keySet(), t.getProcessesMap().keySet());
    for (String name : f.getProcessesMap().keySet()) {
      ProcessHistory all = f.getProcessesOrThrow(name);
      assertEquals(List.of(all.getRuns(all.getRunsCount() - 1)),
          t.getProcessesOrThrow(name).getRunsList(), name);
      assertEquals(all.getRunsCount(), cut.state().runCount(name), name);
      assertEquals(all.getRunsCount(), full.state().runCount(name), name);
      assertEquals(1, cut.state().runs(name).size());
      assertEquals(full.state().latestRun(name), cut.state().latestRun(name));
    }
    assertEquals(full.state().taskState(), cut.state().taskState());
    assertEquals(full.state().allRunsTerminal(), cut.state().allRunsTerminal());
  }

  @Test
  void runCountsSurviveManyRunsInTruncateMode() {
    ReplayState state = new ReplayState(true);
    CheckpointDispatcher d = new CheckpointDispatcher();
    d.dispatch(state, Ckpts.task(TaskState.ACTIVE));
    long seq = 0;
    for (int run = 0; run < 1000; run++) {
      for (var r : Ckpts.successfulRun("daemon", seq)) {
        d.dispatch(state, r);
      }
      seq += 4;
      d.dispatch(state, Ckpts.task(TaskState.ACTIVE));
    }
    assertEquals(1000, state.runCount("daemon"));
    assertEquals(1, state.runs("daemon").size());
    assertEquals(1, state.statuses().size());
    assertEquals(ProcessState.SUCCESS, state.latestState("daemon"));
    assertEquals(seq - 1, state.latestRun("daemon").getSeq());
    assertTrue(state.allRunsTerminal());
  }

  @Test
  void unknownProcessesHaveNoRuns() {
    ReplayState state = new ReplayState();
    assertEquals(0, state.runCount("nope"));
    assertEquals(List.of(), state.runs("nope"));
    assertEquals(null, state.latestRun("nope"));
    assertEquals(null, state.lastStatus());
    assertTrue(state.allRunsTerminal());
  }
}
