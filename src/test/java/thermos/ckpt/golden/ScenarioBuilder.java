package thermos.ckpt.golden;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import thermos.proto.ProcessState;
import thermos.proto.ProcessStatus;
import thermos.proto.RunnerCkpt;
import thermos.proto.RunnerHeader;
import thermos.proto.TaskState;
import thermos.proto.TaskStatus;

/**
 * Writes down a Thermos runner checkpoint the way a runner would produce it: a simulated clock
 * that advances per record, and per-process seq numbers that grow by one per record across runs
 * (SEMANTICS.md §1b.4). Fixed values throughout, so generation is deterministic.
 */
final class ScenarioBuilder {
  private static final long START_MS = 1_700_000_000_000L;

  private final String taskId;
  private final List<RunnerCkpt> records = new ArrayList<>();
  private final Map<String, Long> nextSeq = new HashMap<>();
  private long nowMs = START_MS;
  private int runnerPid = 4100;

  ScenarioBuilder(String taskId) {
    this.taskId = taskId;
  }

  /** The runner pid that later task statuses carry (a takeover changes it). */
  ScenarioBuilder runner(int pid) {
    runnerPid = pid;
    return this;
  }

  ScenarioBuilder task(TaskState state) {
    return add(RunnerCkpt.newBuilder().setTaskStatus(TaskStatus.newBuilder().setState(state)
        .setTimestampMs(tick()).setRunnerPid(runnerPid).setRunnerUid(1000)));
  }

  /** The header, with ports given as name, port, name, port, ... */
  ScenarioBuilder header(Object... ports) {
    Map<String, Long> portMap = new LinkedHashMap<>();
    for (int i = 0; i < ports.length; i += 2) {
      portMap.put((String) ports[i], ((Number) ports[i + 1]).longValue());
    }
    return add(RunnerCkpt.newBuilder().setRunnerHeader(RunnerHeader.newBuilder()
        .setTaskId(taskId).setLaunchTimeMs(START_MS).setSandbox("/var/sandbox/" + taskId)
        .setHostname("worker-7.example.com").setUser("www-data").setUid(33)
        .setLogDir("/var/sandbox/" + taskId + "/.logs").putAllPorts(portMap)));
  }

  ScenarioBuilder waiting(String p) {
    return proc(p, ProcessState.WAITING);
  }

  ScenarioBuilder forked(String p, int coordinatorPid) {
    return proc(p, ProcessState.FORKED, b -> b.setForkTime(seconds(tick()))
        .setCoordinatorPid(coordinatorPid));
  }

  ScenarioBuilder running(String p, int pid) {
    return proc(p, ProcessState.RUNNING, b -> b.setStartTime(seconds(tick())).setPid(pid));
  }

  ScenarioBuilder success(String p) {
    return proc(p, ProcessState.SUCCESS, b -> b.setStopTime(seconds(tick())).setReturnCode(0));
  }

  /** RUNNING => FAILED as the coordinator writes it: a positive exit status. */
  ScenarioBuilder failed(String p, int returnCode) {
    return proc(p, ProcessState.FAILED, b -> b.setStopTime(seconds(tick()))
        .setReturnCode(returnCode));
  }

  /** WAITING => FAILED: the runner could not launch the process (no return code). */
  ScenarioBuilder launchFailed(String p) {
    return proc(p, ProcessState.FAILED, b -> b.setStopTime(seconds(tick())));
  }

  /** KILLED: -signal from the coordinator, -1 from the runner's own kill. */
  ScenarioBuilder killed(String p, int returnCode) {
    return proc(p, ProcessState.KILLED, b -> b.setStopTime(seconds(tick()))
        .setReturnCode(returnCode));
  }

  /** LOST: the runner found the coordinator gone; Thermos records the state only. */
  ScenarioBuilder lost(String p) {
    return proc(p, ProcessState.LOST);
  }

  /** WAITING, FORKED, RUNNING, SUCCESS of one run. */
  ScenarioBuilder succeeds(String p, int coordinatorPid, int pid) {
    return waiting(p).forked(p, coordinatorPid).running(p, pid).success(p);
  }

  /** WAITING, FORKED, RUNNING, FAILED(rc) of one run. */
  ScenarioBuilder fails(String p, int coordinatorPid, int pid, int returnCode) {
    return waiting(p).forked(p, coordinatorPid).running(p, pid).failed(p, returnCode);
  }

  List<RunnerCkpt> build() {
    return List.copyOf(records);
  }

  private interface Fields {
    void set(ProcessStatus.Builder b);
  }

  private ScenarioBuilder proc(String p, ProcessState state) {
    return proc(p, state, b -> tick());
  }

  private ScenarioBuilder proc(String p, ProcessState state, Fields fields) {
    long seq = nextSeq.getOrDefault(p, 0L);
    nextSeq.put(p, seq + 1);
    ProcessStatus.Builder b = ProcessStatus.newBuilder().setSeq(seq).setProcess(p).setState(state);
    fields.set(b);
    return add(RunnerCkpt.newBuilder().setProcessStatus(b));
  }

  private ScenarioBuilder add(RunnerCkpt.Builder record) {
    records.add(record.build());
    return this;
  }

  /** Advances the simulated clock by a varying step and returns the new time. */
  private long tick() {
    nowMs += 250 + 37L * (records.size() % 7);
    return nowMs;
  }

  private static double seconds(long ms) {
    return ms / 1000.0;
  }
}
