package thermos.ckpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static thermos.proto.TaskState.ACTIVE;
import static thermos.proto.TaskState.CLEANING;
import static thermos.proto.TaskState.FAILED;
import static thermos.proto.TaskState.FINALIZING;
import static thermos.proto.TaskState.KILLED;
import static thermos.proto.TaskState.LOST;
import static thermos.proto.TaskState.SUCCESS;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import thermos.proto.TaskState;

/**
 * Task status rules (our decided addition; Thermos checks none): a task starts ACTIVE, a runner
 * may re-announce the current state, stages only move forward, terminal states are final.
 */
class TaskTransitionTest {
  private static final Set<TaskState> TERMINAL = EnumSet.of(SUCCESS, FAILED, KILLED, LOST);

  /** The expected verdict, written out rather than derived from the code under test. */
  static boolean legal(TaskState from, TaskState to) {
    if (from == null) {
      return to == ACTIVE;
    }
    return switch (from) {
      case ACTIVE -> true;
      case CLEANING -> to != ACTIVE;
      case FINALIZING -> to == FINALIZING || TERMINAL.contains(to);
      default -> false; // terminal
    };
  }

  static List<TaskState> pathTo(TaskState state) {
    return switch (state) {
      case ACTIVE -> List.of(ACTIVE);
      case CLEANING -> List.of(ACTIVE, CLEANING);
      case FINALIZING -> List.of(ACTIVE, CLEANING, FINALIZING);
      default -> List.of(ACTIVE, CLEANING, FINALIZING, state);
    };
  }

  static Stream<Arguments> pairs() {
    List<Arguments> pairs = new ArrayList<>();
    List<TaskState> states = Stream.of(TaskState.values())
        .filter(s -> s != TaskState.UNRECOGNIZED).toList();
    for (TaskState to : states) {
      pairs.add(Arguments.of(null, to));
      for (TaskState from : states) {
        pairs.add(Arguments.of(from, to));
      }
    }
    return pairs.stream();
  }

  @ParameterizedTest(name = "{0} => {1}")
  @MethodSource("pairs")
  void transition(TaskState from, TaskState to) {
    ReplayState state = new ReplayState();
    CheckpointDispatcher dispatcher = new CheckpointDispatcher();
    List<TaskState> path = from == null ? List.of() : pathTo(from);
    path.forEach(s -> dispatcher.dispatch(state, Ckpts.task(s)));
    assertEquals(from, state.taskState());
    if (legal(from, to)) {
      assertTrue(dispatcher.dispatch(state, Ckpts.task(to), 64, false));
      assertEquals(to, state.taskState());
      assertEquals(path.size() + 1, state.statuses().size());
    } else {
      CheckpointStateException e = assertThrows(CheckpointStateException.class,
          () -> dispatcher.dispatch(state, Ckpts.task(to), 64, false));
      assertTrue(e.getMessage().contains("invalid task transition "
          + (from == null ? "(none)" : from) + " => " + to), e.getMessage());
      assertEquals(64, e.offset());
      assertEquals(from, state.taskState());
      assertEquals(path.size(), state.statuses().size());
    }
  }

  @ParameterizedTest
  @MethodSource("terminals")
  void activeMayJumpStraightToATerminalState(TaskState terminal) {
    ReplayState state = new ReplayState();
    CheckpointDispatcher dispatcher = new CheckpointDispatcher();
    dispatcher.dispatch(state, Ckpts.task(ACTIVE));
    dispatcher.dispatch(state, Ckpts.task(terminal));
    assertEquals(terminal, state.taskState());
    assertTrue(States.isTerminal(terminal));
  }

  static Stream<TaskState> terminals() {
    return TERMINAL.stream();
  }
}
