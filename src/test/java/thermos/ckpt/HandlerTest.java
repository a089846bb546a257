package thermos.ckpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import java.util.List;
import org.junit.jupiter.api.Test;
import thermos.proto.ProcessState;
import thermos.proto.ProcessStatus;
import thermos.proto.RunnerHeader;
import thermos.proto.TaskState;
import thermos.proto.TaskStatus;

/** Which handlers hear which records, and in what order: universal first, then typed. */
class HandlerTest {
  private final List<String> calls = new ArrayList<>();

  /** Hears everything, as all three kinds at once; names itself in every call. */
  final class Everything
      implements UniversalStateHandler, ProcessStateHandler, TaskStateHandler {
    private final String id;

    Everything(String id) {
      this.id = id;
    }

    private void call(String what) {
      calls.add(id + ":" + what);
    }

    @Override public void onProcessTransition(ProcessStatus u, ProcessState from) {
      call("process " + u.getProcess() + " " + (from == null ? "new" : from) + "->" + u.getState());
    }
    @Override public void onTaskTransition(TaskStatus u, TaskState from) {
      call("task " + (from == null ? "none" : from) + "->" + u.getState());
    }
    @Override public void onInitialization(RunnerHeader h) {
      call("init " + h.getTaskId());
    }
    @Override public void onWaiting(ProcessStatus u) { call("waiting"); }
    @Override public void onForked(ProcessStatus u) { call("forked"); }
    @Override public void onRunning(ProcessStatus u) { call("running"); }
    @Override public void onSuccess(ProcessStatus u) { call("success"); }
    @Override public void onFailed(ProcessStatus u) { call("failed"); }
    @Override public void onLost(ProcessStatus u) { call("lost"); }
    @Override public void onKilled(ProcessStatus u) { call("killed"); }
    @Override public void onActive(TaskStatus u) { call("ACTIVE"); }
    @Override public void onCleaning(TaskStatus u) { call("CLEANING"); }
    @Override public void onFinalizing(TaskStatus u) { call("FINALIZING"); }
    @Override public void onSuccess(TaskStatus u) { call("SUCCESS"); }
    @Override public void onFailed(TaskStatus u) { call("FAILED"); }
    @Override public void onKilled(TaskStatus u) { call("KILLED"); }
    @Override public void onLost(TaskStatus u) { call("LOST"); }
  }

  @Test
  void universalHandlersRunFirstThenTypedOnesInRegistrationOrder() {
    CheckpointDispatcher d = new CheckpointDispatcher()
        .register(new Everything("a"))
        .register(new Everything("b"));
    ReplayState state = new ReplayState();
    d.dispatch(state, Ckpts.task(TaskState.ACTIVE));
    d.dispatch(state, Ckpts.header("t1"));
    d.dispatch(state, process(full("p", 0, WAITING)));
    assertEquals(List.of(
        "a:task none->ACTIVE", "b:task none->ACTIVE", "a:ACTIVE", "b:ACTIVE",
        "a:init t1", "b:init t1",
        "a:process p new->WAITING", "b:process p new->WAITING", "a:waiting", "b:waiting"),
        calls);
  }

  @Test
  void everyTypedCallbackFiresForItsState() {
    CheckpointDispatcher d = new CheckpointDispatcher().register(new Everything("h"));
    ReplayState state = new ReplayState();
    long seq = 0;
    for (ProcessState terminal : List.of(SUCCESS, FAILED, KILLED, LOST)) {
      for (ProcessState s : List.of(WAITING, FORKED, RUNNING, terminal)) {
        d.dispatch(state, process(full("p", seq++, s)));
      }
    }
    for (TaskState s : List.of(TaskState.ACTIVE, TaskState.CLEANING, TaskState.FINALIZING,
        TaskState.KILLED)) {
      d.dispatch(state, Ckpts.task(s));
    }
    List<String> typed = calls.stream().filter(c -> !c.contains(" ")).toList();
    assertEquals(List.of(
        "h:waiting", "h:forked", "h:running", "h:success",
        "h:waiting", "h:forked", "h:running", "h:failed",
        "h:waiting", "h:forked", "h:running", "h:killed",
        "h:waiting", "h:forked", "h:running", "h:lost",
        "h:ACTIVE", "h:CLEANING", "h:FINALIZING", "h:KILLED"), typed);
    // A new run has no "from": the documented null, even after an earlier run.
    assertEquals("h:process p new->WAITING", calls.get(8));
  }

  @Test
  void eachTerminalTaskCallbackFires() {
    for (TaskState terminal : List.of(TaskState.SUCCESS, TaskState.FAILED, TaskState.LOST)) {
      calls.clear();
      CheckpointDispatcher d = new CheckpointDispatcher().register(new Everything("h"));
      ReplayState state = new ReplayState();
      d.dispatch(state, Ckpts.task(TaskState.ACTIVE));
      d.dispatch(state, Ckpts.task(terminal));
      assertEquals(List.of("h:task none->ACTIVE", "h:ACTIVE", "h:task ACTIVE->" + terminal,
          "h:" + terminal), calls);
    }
  }

  @Test
  void rejectedAndSkippedRecordsCallNoHandler() {
    CheckpointDispatcher d = new CheckpointDispatcher().register(new Everything("h"));
    ReplayState state = new ReplayState();
    d.dispatch(state, process(full("p", 0, WAITING)));
    calls.clear();
    assertThrows(CheckpointStateException.class,
        () -> d.dispatch(state, process(full("p", 1, SUCCESS))));
    assertThrows(InvalidSequenceException.class,
        () -> d.dispatch(state, process(full("p", 5, FORKED))));
    d.dispatch(state, process(full("p", 5, FORKED)), 0, true);
    d.dispatch(state, Ckpts.header("t"));
    calls.clear();
    assertThrows(CheckpointStateException.class, () -> d.dispatch(state, Ckpts.header("t")));
    assertEquals(List.of(), calls);
  }

  @Test
  void typedOnlyHandlersHearOnlyTheirKind() {
    List<String> heard = new ArrayList<>();
    CheckpointDispatcher d = new CheckpointDispatcher()
        .register(new ProcessStateHandler() {
          @Override public void onRunning(ProcessStatus u) {
            heard.add("running " + u.getPid());
          }
        })
        .register(new TaskStateHandler() {
          @Override public void onCleaning(TaskStatus u) {
            heard.add("cleaning");
          }
        });
    ReplayState state = new ReplayState();
    d.dispatch(state, Ckpts.task(TaskState.ACTIVE));
    d.dispatch(state, Ckpts.header("t"));
    for (int seq = 0; seq < 3; seq++) {
      d.dispatch(state, process(full("p", seq, List.of(WAITING, FORKED, RUNNING).get(seq))));
    }
    d.dispatch(state, Ckpts.task(TaskState.CLEANING));
    assertEquals(List.of("running 6002", "cleaning"), heard);
  }

  @Test
  void aNullHandlerIsRefused() {
    assertThrows(NullPointerException.class, () -> new CheckpointDispatcher().register(null));
  }
}
