package thermos.ckpt;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import thermos.proto.ProcessHistory;
import thermos.proto.ProcessState;
import thermos.proto.ProcessStatus;
import thermos.proto.RunnerHeader;
import thermos.proto.RunnerState;
import thermos.proto.TaskState;
import thermos.proto.TaskStatus;

/**
 * The state replayed from a checkpoint log so far: header, task statuses and every run of every
 * process. Mutated only by {@link CheckpointDispatcher}; {@link #toProto()} gives an immutable
 * {@code RunnerState} copy.
 *
 * <p>In truncate mode only the latest task status and the latest run of each process are kept,
 * so memory does not grow with the length of the log. Run counts are kept either way.
 */
public final class ReplayState {
  /** The runs of one process: the latest one stays mutable, the earlier ones are frozen. */
  private static final class Runs {
    final List<ProcessStatus> earlier = new ArrayList<>();
    ProcessStatus.Builder latest;
    int count;
  }

  private final boolean truncate;
  private RunnerHeader header;
  private final List<TaskStatus> statuses = new ArrayList<>();
  private final Map<String, Runs> processes = new LinkedHashMap<>();

  public ReplayState() {
    this(false);
  }

  public ReplayState(boolean truncate) {
    this.truncate = truncate;
  }

  public boolean truncating() {
    return truncate;
  }

  /** The header, or null before it has been read. */
  public RunnerHeader header() {
    return header;
  }

  /** Task statuses in log order (only the latest in truncate mode). */
  public List<TaskStatus> statuses() {
    return Collections.unmodifiableList(statuses);
  }

  /** The latest task status, or null if there is none yet. */
  public TaskStatus lastStatus() {
    return statuses.isEmpty() ? null : statuses.get(statuses.size() - 1);
  }

  /** The current task state, or null before the first status. */
  public TaskState taskState() {
    TaskStatus last = lastStatus();
    return last == null ? null : last.getState();
  }

  /** Names of the processes seen, in order of first appearance. */
  public Set<String> processNames() {
    return Collections.unmodifiableSet(processes.keySet());
  }

  /** The latest run of {@code process}, or null if it has none. */
  public ProcessStatus latestRun(String process) {
    Runs runs = processes.get(process);
    return runs == null ? null : runs.latest.build();
  }

  /** The state of the latest run of {@code process}, or null (cheaper than {@link #latestRun}). */
  public ProcessState latestState(String process) {
    Runs runs = processes.get(process);
    return runs == null ? null : runs.latest.getState();
  }

  /** The seq of the latest record of {@code process}, or -1 if it has none. */
  public long latestSeq(String process) {
    Runs runs = processes.get(process);
    return runs == null ? -1 : runs.latest.getSeq();
  }

  /** How many runs {@code process} has had (including runs dropped by truncate mode). */
  public int runCount(String process) {
    Runs runs = processes.get(process);
    return runs == null ? 0 : runs.count;
  }

  /** The runs of {@code process} still held, oldest first. */
  public List<ProcessStatus> runs(String process) {
    Runs runs = processes.get(process);
    if (runs == null) {
      return List.of();
    }
    List<ProcessStatus> all = new ArrayList<>(runs.earlier);
    all.add(runs.latest.build());
    return all;
  }

  /** An immutable snapshot. */
  public RunnerState toProto() {
    RunnerState.Builder b = RunnerState.newBuilder();
    if (header != null) {
      b.setHeader(header);
    }
    b.addAllStatuses(statuses);
    for (Map.Entry<String, Runs> e : processes.entrySet()) {
      ProcessHistory.Builder h = ProcessHistory.newBuilder().addAllRuns(e.getValue().earlier);
      h.addRuns(e.getValue().latest.build());
      b.putProcesses(e.getKey(), h.build());
    }
    return b.build();
  }

  // ---- mutation, for the dispatcher only ----

  void setHeader(RunnerHeader h) {
    header = h;
  }

  void addStatus(TaskStatus status) {
    if (truncate) {
      statuses.clear();
    }
    statuses.add(status);
  }

  /** The mutable latest run, or null. */
  ProcessStatus.Builder latestBuilder(String process) {
    Runs runs = processes.get(process);
    return runs == null ? null : runs.latest;
  }

  /** Starts a new run of {@code process} and returns it, empty, for the WAITING update. */
  ProcessStatus.Builder newRun(String process) {
    Runs runs = processes.computeIfAbsent(process, k -> new Runs());
    if (runs.latest != null && !truncate) {
      runs.earlier.add(runs.latest.build());
    }
    runs.latest = ProcessStatus.newBuilder();
    runs.count++;
    return runs.latest;
  }

  /** True if the latest run of every known process is terminal (or there are none). */
  public boolean allRunsTerminal() {
    for (Runs runs : processes.values()) {
      ProcessState s = runs.latest.getState();
      if (!States.isTerminal(s)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return toProto().toString();
  }
}
