package thermos.ckpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static thermos.ckpt.Ckpts.bare;
import static thermos.ckpt.Ckpts.full;
import static thermos.ckpt.Ckpts.process;
import static thermos.proto.ProcessState.FAILED;
import static thermos.proto.ProcessState.FORKED;
import static thermos.proto.ProcessState.KILLED;
import static thermos.proto.ProcessState.LOST;
import static thermos.proto.ProcessState.RUNNING;
import static thermos.proto.ProcessState.SUCCESS;
import static thermos.proto.ProcessState.WAITING;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import thermos.proto.ProcessState;
import thermos.proto.ProcessStatus;
import thermos.proto.RunnerCkpt;
import thermos.proto.RunnerHeader;
import thermos.proto.RunnerState;
import thermos.proto.TaskStatus;

/** Field, sequence and header rules of the dispatcher (SEMANTICS.md §1b.5). */
class DispatcherRulesTest {
  private static final String P = "web";
  private final ReplayState state = new ReplayState();
  private final CheckpointDispatcher dispatcher = new CheckpointDispatcher();

  /** Brings {@code P} to {@code path}'s last state with seqs 0, 1, ... */
  private void drive(ProcessState... path) {
    for (int seq = 0; seq < path.length; seq++) {
      dispatcher.dispatch(state, process(full(P, seq, path[seq])));
    }
  }

  // ---- required fields ----

  static Stream<Arguments> requiredFields() {
    return Stream.of(
        Arguments.of(List.of(), WAITING, "seq"),
        Arguments.of(List.of(), WAITING, "process"),
        Arguments.of(List.of(WAITING), FORKED, "fork_time"),
        Arguments.of(List.of(WAITING), FORKED, "coordinator_pid"),
        Arguments.of(List.of(WAITING, FORKED), RUNNING, "start_time"),
        Arguments.of(List.of(WAITING, FORKED), RUNNING, "pid"),
        Arguments.of(List.of(WAITING, FORKED, RUNNING), SUCCESS, "stop_time"),
        Arguments.of(List.of(WAITING, FORKED, RUNNING), SUCCESS, "return_code"),
        Arguments.of(List.of(WAITING, FORKED), KILLED, "stop_time"),
        Arguments.of(List.of(WAITING, FORKED, RUNNING), KILLED, "return_code"),
        Arguments.of(List.of(WAITING, FORKED, RUNNING), FAILED, "state"),
        Arguments.of(List.of(WAITING, FORKED), LOST, "state"));
  }

  @ParameterizedTest(name = "{1} without {2}")
  @MethodSource("requiredFields")
  void eachRequiredFieldMissingIsRejected(List<ProcessState> path, ProcessState to,
      String field) {
    drive(path.toArray(ProcessState[]::new));
    ProcessStatus.Builder update = full(P, path.size(), to);
    switch (field) {
      case "seq" -> update.clearSeq();
      case "process" -> update.clearProcess();
      case "fork_time" -> update.clearForkTime();
      case "coordinator_pid" -> update.clearCoordinatorPid();
      case "start_time" -> update.clearStartTime();
      case "pid" -> update.clearPid();
      case "stop_time" -> update.clearStopTime();
      case "return_code" -> update.clearReturnCode();
      case "state" -> update.clearState();
      default -> throw new IllegalArgumentException(field);
    }
    RunnerState before = state.toProto();
    CheckpointStateException e = assertThrows(CheckpointStateException.class,
        () -> dispatcher.dispatch(state, process(update), 77, false));
    String expected = field.equals("process") ? "lacks process name" : "lacks " + field;
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertEquals(77, e.offset());
    assertEquals(before, state.toProto());
  }

  @Test
  void failedAndLostNeedOnlyTheStateButKeepWhatTheyCarry() {
    drive(WAITING);
    dispatcher.dispatch(state, process(bare(P, 1, FAILED)));
    assertFalse(state.latestRun(P).hasReturnCode());
    dispatcher.dispatch(state, process(bare(P, 2, WAITING)));
    dispatcher.dispatch(state, process(full(P, 3, FORKED)));
    dispatcher.dispatch(state, process(full(P, 4, RUNNING)));
    // Difference 2: a FAILED record's stop_time and return_code survive replay.
    dispatcher.dispatch(state, process(bare(P, 5, FAILED).setStopTime(12.5).setReturnCode(3)));
    assertEquals(3, state.latestRun(P).getReturnCode());
    assertEquals(12.5, state.latestRun(P).getStopTime());
    dispatcher.dispatch(state, process(bare(P, 6, WAITING)));
    dispatcher.dispatch(state, process(full(P, 7, FORKED)));
    dispatcher.dispatch(state, process(bare(P, 8, LOST)));
    assertEquals(LOST, state.latestState(P));
    assertEquals(3, state.runCount(P));
  }

  @Test
  void taskStatusWithoutStateAndHeaderWithoutTaskIdAreRejected() {
    RunnerCkpt noState = RunnerCkpt.newBuilder()
        .setTaskStatus(TaskStatus.newBuilder().setTimestampMs(1)).build();
    assertTrue(assertThrows(CheckpointStateException.class,
        () -> dispatcher.dispatch(state, noState)).getMessage().contains("lacks state"));
    RunnerCkpt noId = RunnerCkpt.newBuilder()
        .setRunnerHeader(RunnerHeader.newBuilder().setSandbox("/s")).build();
    assertTrue(assertThrows(CheckpointStateException.class,
        () -> dispatcher.dispatch(state, noId)).getMessage().contains("lacks task_id"));
    assertNull(state.header());
    assertThrows(CheckpointStateException.class,
        () -> dispatcher.dispatch(state, RunnerCkpt.getDefaultInstance()));
  }

  // ---- sequence numbers ----

  @ParameterizedTest(name = "seq {0} after seq 2")
  @ValueSource(longs = {0, 1, 2, 4, 5, 100, -1})
  void aSequenceGapIsAnErrorNamingOffsetProcessAndBothStates(long seq) {
    drive(WAITING, FORKED, RUNNING);
    RunnerState before = state.toProto();
    InvalidSequenceException e = assertThrows(InvalidSequenceException.class,
        () -> dispatcher.dispatch(state, process(full(P, seq, SUCCESS)), 1234, false));
    assertEquals(1234, e.offset());
    String m = e.getMessage();
    assertTrue(m.contains("byte offset 1234"), m);
    assertTrue(m.contains("'" + P + "'"), m);
    assertTrue(m.contains("RUNNING (seq 2)"), m);
    assertTrue(m.contains("SUCCESS (seq " + seq + ")"), m);
    assertEquals(before, state.toProto());
    InvalidSequenceException located = e.inFile(Path.of("/r/runner"));
    assertTrue(located.getMessage().contains("/r/runner"), located.getMessage());
    assertEquals(1234, located.offset());
  }

  @Test
  void aNewRunMustContinueTheSequenceToo() {
    drive(WAITING, FORKED, RUNNING, SUCCESS);
    assertThrows(InvalidSequenceException.class,
        () -> dispatcher.dispatch(state, process(full(P, 0, WAITING))));
    assertTrue(dispatcher.dispatch(state, process(full(P, 4, WAITING))));
    assertEquals(2, state.runCount(P));
  }

  @Test
  void recoveryModeSkipsOutOfSequenceUpdatesSilently() {
    drive(WAITING, FORKED, RUNNING);
    RunnerState before = state.toProto();
    for (long seq : new long[] {0, 1, 2, 7}) {
      assertFalse(dispatcher.dispatch(state, process(full(P, seq, SUCCESS)), 10, true));
      assertEquals(before, state.toProto());
    }
    // In sequence it applies; an invalid transition is still an error in recovery mode.
    assertThrows(CheckpointStateException.class,
        () -> dispatcher.dispatch(state, process(full(P, 3, FORKED)), 10, true));
    assertTrue(dispatcher.dispatch(state, process(full(P, 3, SUCCESS)), 10, true));
    assertEquals(SUCCESS, state.latestState(P));
  }

  @Test
  void wouldUpdateIsTrueForNewProcessesAndLaterSeqs() {
    assertTrue(CheckpointDispatcher.wouldUpdate(state, process(full(P, 5, RUNNING))));
    drive(WAITING, FORKED);
    assertFalse(CheckpointDispatcher.wouldUpdate(state, process(full(P, 1, RUNNING))));
    assertTrue(CheckpointDispatcher.wouldUpdate(state, process(full(P, 2, RUNNING))));
    assertTrue(CheckpointDispatcher.wouldUpdate(state, Ckpts.header("t")));
  }

  // ---- header ----

  @Test
  void aSecondHeaderIsRejectedAndTheFirstKept() {
    dispatcher.dispatch(state, Ckpts.header("first"));
    CheckpointStateException e = assertThrows(CheckpointStateException.class,
        () -> dispatcher.dispatch(state, Ckpts.header("second"), 300, false));
    assertTrue(e.getMessage().contains("second RunnerHeader"), e.getMessage());
    assertEquals(300, e.offset());
    assertEquals("first", state.header().getTaskId());
    // Even an identical header may not be written twice.
    assertThrows(CheckpointStateException.class,
        () -> dispatcher.dispatch(state, Ckpts.header("first")));
  }

  @Test
  void statusesAndProcessesMayPrecedeTheHeader() {
    dispatcher.dispatch(state, Ckpts.task(thermos.proto.TaskState.ACTIVE));
    dispatcher.dispatch(state, Ckpts.task(thermos.proto.TaskState.ACTIVE));
    drive(WAITING);
    assertNull(state.header());
    dispatcher.dispatch(state, Ckpts.header("late"));
    assertEquals("late", state.header().getTaskId());
    assertEquals(2, state.statuses().size());
  }
}
