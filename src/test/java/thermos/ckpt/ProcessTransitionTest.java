package thermos.ckpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static thermos.ckpt.Ckpts.full;
import static thermos.ckpt.Ckpts.process;
import static thermos.proto.ProcessState.FAILED;
import static thermos.proto.ProcessState.FORKED;
import static thermos.proto.ProcessState.KILLED;
import static thermos.proto.ProcessState.LOST;
import static thermos.proto.ProcessState.RUNNING;
import static thermos.proto.ProcessState.SUCCESS;
import static thermos.proto.ProcessState.WAITING;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import thermos.proto.ProcessState;
import thermos.proto.RunnerState;

/**
 * Thermos' process state machine (SEMANTICS.md §1b.5) over every pair of states, plus the
 * "new run" (a process not seen yet): the legal pairs apply, every other pair is rejected naming
 * the record's offset, the process and both states, and leaves the state as it was.
 */
class ProcessTransitionTest {
  private static final String P = "proc";
  private static final long OFFSET = 4711;

  /** The legal transitions; X => WAITING is legal for every terminal X (a new run). */
  static final Map<ProcessState, Set<ProcessState>> LEGAL = Map.of(
      WAITING, EnumSet.of(FORKED, FAILED),
      FORKED, EnumSet.of(RUNNING, KILLED, LOST),
      RUNNING, EnumSet.of(SUCCESS, FAILED, KILLED, LOST),
      SUCCESS, EnumSet.of(WAITING),
      FAILED, EnumSet.of(WAITING),
      KILLED, EnumSet.of(WAITING),
      LOST, EnumSet.of(WAITING));

  /** The states a run passes through to reach {@code state}. */
  static List<ProcessState> pathTo(ProcessState state) {
    return switch (state) {
      case WAITING -> List.of(WAITING);
      case FORKED -> List.of(WAITING, FORKED);
      case RUNNING -> List.of(WAITING, FORKED, RUNNING);
      default -> List.of(WAITING, FORKED, RUNNING, state);
    };
  }

  static Stream<Arguments> allPairs() {
    List<Arguments> pairs = new ArrayList<>();
    for (ProcessState from : ProcessState.values()) {
      if (from == ProcessState.UNRECOGNIZED) {
        continue;
      }
      for (ProcessState to : ProcessState.values()) {
        if (to != ProcessState.UNRECOGNIZED) {
          pairs.add(Arguments.of(from, to));
        }
      }
    }
    return pairs.stream();
  }

  @Test
  void theTableCoversAllFortyNinePairs() {
    assertEquals(49, allPairs().count());
    assertEquals(7, LEGAL.size());
  }

  @ParameterizedTest(name = "{0} => {1}")
  @MethodSource("allPairs")
  void transition(ProcessState from, ProcessState to) {
    ReplayState state = new ReplayState();
    CheckpointDispatcher dispatcher = new CheckpointDispatcher();
    List<ProcessState> path = pathTo(from);
    for (int seq = 0; seq < path.size(); seq++) {
      assertTrue(dispatcher.dispatch(state, process(full(P, seq, path.get(seq)))));
    }
    assertEquals(from, state.latestState(P));
    RunnerState before = state.toProto();
    long seq = path.size();

    if (LEGAL.get(from).contains(to)) {
      assertTrue(dispatcher.dispatch(state, process(full(P, seq, to)), OFFSET, false));
      assertEquals(to, state.latestState(P));
      assertEquals(seq, state.latestRun(P).getSeq());
      assertEquals(to == WAITING ? 2 : 1, state.runCount(P));
      if (to == WAITING) {
        assertEquals(from, state.runs(P).get(0).getState(), "the previous run is kept");
      }
    } else {
      CheckpointStateException e = assertThrows(CheckpointStateException.class,
          () -> dispatcher.dispatch(state, process(full(P, seq, to)), OFFSET, false));
      assertFalse(e instanceof InvalidSequenceException);
      assertEquals(OFFSET, e.offset());
      assertTrue(e.getMessage().contains("byte offset " + OFFSET), e.getMessage());
      assertTrue(e.getMessage().contains("'" + P + "'"), e.getMessage());
      assertTrue(e.getMessage().contains("invalid transition " + from + " => " + to),
          e.getMessage());
      assertEquals(before, state.toProto(), "a rejected record changes nothing");
    }
  }

  @ParameterizedTest
  @EnumSource(value = ProcessState.class, names = "UNRECOGNIZED", mode = EnumSource.Mode.EXCLUDE)
  void newRun(ProcessState first) {
    ReplayState state = new ReplayState();
    CheckpointDispatcher dispatcher = new CheckpointDispatcher();
    if (first == WAITING) {
      assertTrue(dispatcher.dispatch(state, process(full(P, 0, WAITING)), OFFSET, false));
      assertEquals(WAITING, state.latestState(P));
      assertEquals(1, state.runCount(P));
      return;
    }
    // Recovery mode does not excuse it either: there is no sequence to be out of.
    for (boolean recovery : new boolean[] {false, true}) {
      CheckpointStateException e = assertThrows(CheckpointStateException.class,
          () -> dispatcher.dispatch(state, process(full(P, 3, first)), OFFSET, recovery));
      assertEquals(OFFSET, e.offset());
      assertTrue(e.getMessage().contains("out-of-order"), e.getMessage());
      assertTrue(e.getMessage().contains(first.name()), e.getMessage());
      assertTrue(e.getMessage().contains("'" + P + "'"), e.getMessage());
      assertEquals(0, state.runCount(P));
      assertTrue(state.processNames().isEmpty());
    }
  }

  @ParameterizedTest
  @EnumSource(value = ProcessState.class, names = {"WAITING", "FORKED", "RUNNING"})
  void waitingWhileThePreviousRunIsLiveIsRejected(ProcessState live) {
    ReplayState state = new ReplayState();
    CheckpointDispatcher dispatcher = new CheckpointDispatcher();
    List<ProcessState> path = pathTo(live);
    for (int seq = 0; seq < path.size(); seq++) {
      dispatcher.dispatch(state, process(full(P, seq, path.get(seq))));
    }
    CheckpointStateException e = assertThrows(CheckpointStateException.class,
        () -> dispatcher.dispatch(state, process(full(P, path.size(), WAITING)), 99, false));
    assertTrue(e.getMessage().contains(live + " => WAITING"), e.getMessage());
    assertEquals(1, state.runCount(P));
  }

  @Test
  void runsOfDifferentProcessesAreIndependent() {
    ReplayState state = new ReplayState();
    CheckpointDispatcher dispatcher = new CheckpointDispatcher();
    dispatcher.dispatch(state, process(full("a", 0, WAITING)));
    dispatcher.dispatch(state, process(full("b", 0, WAITING)));
    dispatcher.dispatch(state, process(full("a", 1, FORKED)));
    dispatcher.dispatch(state, process(full("b", 1, FAILED)));
    assertEquals(FORKED, state.latestState("a"));
    assertEquals(FAILED, state.latestState("b"));
    assertEquals(List.of("a", "b"), List.copyOf(state.processNames()));
  }
}
