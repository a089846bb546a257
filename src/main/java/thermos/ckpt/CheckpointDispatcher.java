package thermos.ckpt;

import java.util.ArrayList;
import java.util.List;
import thermos.proto.ProcessState;
import thermos.proto.ProcessStatus;
import thermos.proto.RunnerCkpt;
import thermos.proto.RunnerHeader;
import thermos.proto.TaskState;
import thermos.proto.TaskStatus;

/**
 * Applies checkpoint records to a {@link ReplayState} with Thermos' transition, field and
 * sequence rules (SEMANTICS.md §1b.4–1b.5), then tells the registered handlers: universal ones
 * first, then typed ones. The single source of truth for "what state is this task in".
 *
 * <p>Differences from Thermos, decided: a FAILED update keeps its {@code stop_time} and {@code
 * return_code}; task statuses are checked too (nothing leaves a terminal state, and a task never
 * moves back to ACTIVE or CLEANING).
 */
public final class CheckpointDispatcher {
  private final List<UniversalStateHandler> universal = new ArrayList<>();
  private final List<ProcessStateHandler> processHandlers = new ArrayList<>();
  private final List<TaskStateHandler> taskHandlers = new ArrayList<>();

  public CheckpointDispatcher register(CheckpointHandler handler) {
    java.util.Objects.requireNonNull(handler, "handler");
    // One object may implement several handler kinds; it hears each kind once.
    if (handler instanceof UniversalStateHandler u) {
      universal.add(u);
    }
    if (handler instanceof ProcessStateHandler p) {
      processHandlers.add(p);
    }
    if (handler instanceof TaskStateHandler t) {
      taskHandlers.add(t);
    }
    return this;
  }

  /** Applies a record that did not come from a log, in normal mode. */
  public boolean dispatch(ReplayState state, RunnerCkpt ckpt) {
    return dispatch(state, ckpt, -1, false);
  }

  /**
   * Applies one record.
   *
   * @param offset the record's byte offset in its log (for errors), or -1
   * @param recovery replaying after a restart: process updates out of sequence are skipped
   *     silently instead of being errors
   * @return true if the record changed the state; false if recovery mode skipped it
   * @throws InvalidSequenceException for a sequence gap outside recovery mode
   * @throws CheckpointStateException for an invalid transition, a missing field or a second header
   */
  public boolean dispatch(ReplayState state, RunnerCkpt ckpt, long offset, boolean recovery) {
    switch (ckpt.getRecordCase()) {
      case RUNNER_HEADER -> applyHeader(state, ckpt.getRunnerHeader(), offset);
      case TASK_STATUS -> applyTaskStatus(state, ckpt.getTaskStatus(), offset);
      case PROCESS_STATUS -> {
        return applyProcessStatus(state, ckpt.getProcessStatus(), offset, recovery);
      }
      default -> throw new CheckpointStateException(offset,
          "record holds no header, process status or task status");
    }
    return true;
  }

  /**
   * Throws exactly what {@link #dispatch(ReplayState, RunnerCkpt, long, boolean)} would throw in
   * normal mode, without changing anything: a writer checks a record before making it durable.
   */
  public void validate(ReplayState state, RunnerCkpt ckpt) {
    switch (ckpt.getRecordCase()) {
      case RUNNER_HEADER -> checkHeader(state, ckpt.getRunnerHeader(), -1);
      case TASK_STATUS -> checkTaskStatus(state, ckpt.getTaskStatus(), -1);
      case PROCESS_STATUS -> checkProcessStatus(state, ckpt.getProcessStatus(), -1, false);
      default -> throw new CheckpointStateException(-1,
          "record holds no header, process status or task status");
    }
  }

  /**
   * True if {@code ckpt} would advance {@code state}: a header or task status, or a process update
   * for an unseen process or with a seq beyond the latest (Thermos' {@code would_update}).
   */
  public static boolean wouldUpdate(ReplayState state, RunnerCkpt ckpt) {
    if (ckpt.getRecordCase() != RunnerCkpt.RecordCase.PROCESS_STATUS) {
      return true;
    }
    ProcessStatus update = ckpt.getProcessStatus();
    ProcessStatus.Builder latest = state.latestBuilder(update.getProcess());
    return latest == null || update.getSeq() > latest.getSeq();
  }

  // ---- header ----

  private void applyHeader(ReplayState state, RunnerHeader header, long offset) {
    checkHeader(state, header, offset);
    state.setHeader(header);
    for (UniversalStateHandler h : universal) {
      h.onInitialization(header);
    }
  }

  private static void checkHeader(ReplayState state, RunnerHeader header, long offset) {
    if (state.header() != null) {
      throw new CheckpointStateException(offset,
          "second RunnerHeader (task " + quoted(header.getTaskId())
              + "): a task's parameters cannot be rebound");
    }
    if (!header.hasTaskId()) {
      throw new CheckpointStateException(offset, "RunnerHeader lacks task_id");
    }
  }

  // ---- task statuses ----

  private void applyTaskStatus(ReplayState state, TaskStatus update, long offset) {
    checkTaskStatus(state, update, offset);
    TaskState from = state.taskState();
    TaskState to = update.getState();
    state.addStatus(update);
    for (UniversalStateHandler h : universal) {
      h.onTaskTransition(update, from);
    }
    for (TaskStateHandler h : taskHandlers) {
      switch (to) {
        case ACTIVE -> h.onActive(update);
        case CLEANING -> h.onCleaning(update);
        case FINALIZING -> h.onFinalizing(update);
        case SUCCESS -> h.onSuccess(update);
        case FAILED -> h.onFailed(update);
        case KILLED -> h.onKilled(update);
        case LOST -> h.onLost(update);
        default -> { }
      }
    }
  }

  private static void checkTaskStatus(ReplayState state, TaskStatus update, long offset) {
    if (!update.hasState()) {
      throw new CheckpointStateException(offset, "TaskStatus lacks state");
    }
    TaskState from = state.taskState();
    TaskState to = update.getState();
    if (!taskTransitionAllowed(from, to)) {
      throw new CheckpointStateException(offset,
          "invalid task transition " + name(from) + " => " + to);
    }
  }

  /**
   * A task starts ACTIVE; re-entering the current state is how a new runner announces itself;
   * the stages only move forward; a terminal state is final. ACTIVE may jump straight to a
   * terminal state (Thermos' helper kill, and 2012-era runners without CLEANING).
   */
  static boolean taskTransitionAllowed(TaskState from, TaskState to) {
    if (from == null) {
      return to == TaskState.ACTIVE;
    }
    if (States.isTerminal(from)) {
      return false;
    }
    if (to == from) {
      return true;
    }
    return switch (from) {
      case ACTIVE -> true;
      case CLEANING -> to != TaskState.ACTIVE;
      case FINALIZING -> States.isTerminal(to);
      default -> false;
    };
  }

  // ---- process statuses ----

  private boolean applyProcessStatus(ReplayState state, ProcessStatus update, long offset,
      boolean recovery) {
    if (!checkProcessStatus(state, update, offset, recovery)) {
      return false;
    }
    String name = update.getProcess();
    ProcessState to = update.getState();
    ProcessStatus.Builder run;
    ProcessState from;
    if (to == ProcessState.WAITING) {
      from = null;
      run = state.newRun(name);
    } else {
      run = state.latestBuilder(name);
      from = run.getState();
    }
    apply(run, update);
    for (UniversalStateHandler h : universal) {
      h.onProcessTransition(update, from);
    }
    for (ProcessStateHandler h : processHandlers) {
      switch (to) {
        case WAITING -> h.onWaiting(update);
        case FORKED -> h.onForked(update);
        case RUNNING -> h.onRunning(update);
        case SUCCESS -> h.onSuccess(update);
        case FAILED -> h.onFailed(update);
        case KILLED -> h.onKilled(update);
        case LOST -> h.onLost(update);
        default -> { }
      }
    }
    return true;
  }

  /**
   * Checks a process update against the state; false if recovery mode skips it (sequence gap),
   * otherwise returns true or throws.
   */
  private static boolean checkProcessStatus(ReplayState state, ProcessStatus update, long offset,
      boolean recovery) {
    if (!update.hasProcess() || update.getProcess().isEmpty()) {
      throw new CheckpointStateException(offset, "ProcessStatus lacks process name");
    }
    String name = update.getProcess();
    if (!update.hasState()) {
      throw new CheckpointStateException(offset, "process " + quoted(name) + ": update lacks state");
    }
    if (!update.hasSeq()) {
      throw new CheckpointStateException(offset, "process " + quoted(name) + ": "
          + update.getState() + " update lacks seq");
    }
    ProcessState to = update.getState();
    ProcessStatus.Builder current = state.latestBuilder(name);
    if (current == null && to != ProcessState.WAITING) {
      throw new CheckpointStateException(offset, "process " + quoted(name)
          + ": out-of-order update: first record is " + to + " (seq " + update.getSeq()
          + "), expected WAITING");
    }
    if (current != null && update.getSeq() != current.getSeq() + 1) {
      if (recovery) {
        return false;
      }
      throw new InvalidSequenceException(offset, "process " + quoted(name) + ": sequence gap "
          + current.getState() + " (seq " + current.getSeq() + ") => " + to + " (seq "
          + update.getSeq() + "), expected seq " + (current.getSeq() + 1));
    }
    ProcessState from;
    if (to == ProcessState.WAITING) {
      if (current != null && !States.isTerminal(current.getState())) {
        throw invalid(offset, name, current.getState(), to);
      }
      from = null;
    } else {
      from = current.getState();
    }
    checkTransition(offset, name, from, update);
    return true;
  }

  /** Thermos' process state machine: legal predecessors and the fields each record must carry. */
  private static void checkTransition(long offset, String name, ProcessState from,
      ProcessStatus u) {
    ProcessState to = u.getState();
    boolean legal = switch (to) {
      case WAITING -> from == null;
      case FORKED -> from == ProcessState.WAITING;
      case RUNNING -> from == ProcessState.FORKED;
      case SUCCESS -> from == ProcessState.RUNNING;
      case FAILED -> from == ProcessState.WAITING || from == ProcessState.RUNNING;
      case KILLED, LOST -> from == ProcessState.FORKED || from == ProcessState.RUNNING;
      default -> false;
    };
    if (!legal) {
      throw invalid(offset, name, from, to);
    }
    switch (to) {
      case FORKED -> require(offset, name, from, u, u.hasForkTime(), "fork_time",
          u.hasCoordinatorPid(), "coordinator_pid");
      case RUNNING -> require(offset, name, from, u, u.hasStartTime(), "start_time",
          u.hasPid(), "pid");
      case SUCCESS, KILLED -> require(offset, name, from, u, u.hasStopTime(), "stop_time",
          u.hasReturnCode(), "return_code");
      default -> { }
    }
  }

  /** Copies the update's fields into the run (which for WAITING is empty). */
  private static void apply(ProcessStatus.Builder run, ProcessStatus u) {
    run.setSeq(u.getSeq()).setState(u.getState());
    switch (u.getState()) {
      case WAITING -> run.setProcess(u.getProcess());
      case FORKED -> run.setForkTime(u.getForkTime()).setCoordinatorPid(u.getCoordinatorPid());
      case RUNNING -> run.setStartTime(u.getStartTime()).setPid(u.getPid());
      case SUCCESS, KILLED -> run.setStopTime(u.getStopTime()).setReturnCode(u.getReturnCode());
      case FAILED, LOST -> {
        // State is all Thermos requires; keep what the record does carry (Thermos drops it).
        if (u.hasStopTime()) {
          run.setStopTime(u.getStopTime());
        }
        if (u.hasReturnCode()) {
          run.setReturnCode(u.getReturnCode());
        }
      }
      default -> { }
    }
  }

  private static void require(long offset, String name, ProcessState from, ProcessStatus u,
      boolean has1, String field1, boolean has2, String field2) {
    String missing = !has1 ? field1 : !has2 ? field2 : null;
    if (missing != null) {
      throw new CheckpointStateException(offset, "process " + quoted(name) + ": "
          + name(from) + " => " + u.getState() + " update (seq " + u.getSeq() + ") lacks "
          + missing);
    }
  }

  private static CheckpointStateException invalid(long offset, String name, ProcessState from,
      ProcessState to) {
    return new CheckpointStateException(offset,
        "process " + quoted(name) + ": invalid transition " + name(from) + " => " + to);
  }

  private static String name(Enum<?> state) {
    return state == null ? "(none)" : state.name();
  }

  private static String quoted(String s) {
    return "'" + s + "'";
  }
}
