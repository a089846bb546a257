package thermos.ckpt;

import java.nio.ByteBuffer;
import java.util.List;
import thermos.proto.ProcessState;
import thermos.proto.ProcessStatus;
import thermos.proto.RunnerCkpt;
import thermos.proto.RunnerHeader;
import thermos.proto.TaskState;
import thermos.proto.TaskStatus;

/** Builders for checkpoint records and raw frames, for tests. */
public final class Ckpts {
  private Ckpts() {}

  public static RunnerCkpt task(TaskState state, long timestampMs, int runnerPid) {
    return RunnerCkpt.newBuilder().setTaskStatus(TaskStatus.newBuilder().setState(state)
        .setTimestampMs(timestampMs).setRunnerPid(runnerPid).setRunnerUid(1000)).build();
  }

  public static RunnerCkpt task(TaskState state) {
    return task(state, 1_700_000_000_000L, 4242);
  }

  public static RunnerCkpt header(String taskId) {
    return RunnerCkpt.newBuilder().setRunnerHeader(RunnerHeader.newBuilder().setTaskId(taskId)
        .setLaunchTimeMs(1_700_000_000_000L).setSandbox("/sandbox/" + taskId)
        .setHostname("host-1").setUser("alice").setUid(1000)).build();
  }

  public static RunnerCkpt process(ProcessStatus.Builder status) {
    return RunnerCkpt.newBuilder().setProcessStatus(status).build();
  }

  /** A status with only seq, process and state set. */
  public static ProcessStatus.Builder bare(String process, long seq, ProcessState state) {
    return ProcessStatus.newBuilder().setProcess(process).setSeq(seq).setState(state);
  }

  /**
   * A status carrying every field the transition into {@code state} requires (and no more for
   * FAILED and LOST, which require only the state).
   */
  public static ProcessStatus.Builder full(String process, long seq, ProcessState state) {
    ProcessStatus.Builder b = bare(process, seq, state);
    return switch (state) {
      case FORKED -> b.setForkTime(1_700_000_001.5).setCoordinatorPid(5000 + (int) seq);
      case RUNNING -> b.setStartTime(1_700_000_002.25).setPid(6000 + (int) seq);
      case SUCCESS -> b.setStopTime(1_700_000_010.0).setReturnCode(0);
      case KILLED -> b.setStopTime(1_700_000_010.0).setReturnCode(-15);
      default -> b;
    };
  }

  public static RunnerCkpt proc(String process, long seq, ProcessState state) {
    return process(full(process, seq, state));
  }

  /** WAITING, FORKED, RUNNING, SUCCESS of one run, from {@code seq}. */
  public static List<RunnerCkpt> successfulRun(String process, long seq) {
    return List.of(proc(process, seq, ProcessState.WAITING),
        proc(process, seq + 1, ProcessState.FORKED),
        proc(process, seq + 2, ProcessState.RUNNING),
        proc(process, seq + 3, ProcessState.SUCCESS));
  }

  /** The framed bytes of a record, as the writer writes them. */
  public static byte[] frame(RunnerCkpt ckpt) {
    byte[] payload = ckpt.toByteArray();
    return frame(payload, CheckpointFormat.crc32c(payload, 0, payload.length));
  }

  /** A frame with an arbitrary stored CRC. */
  public static byte[] frame(byte[] payload, int crc) {
    return ByteBuffer.allocate(CheckpointFormat.HEADER_BYTES + payload.length)
        .putInt(payload.length).putInt(crc).put(payload).array();
  }

  /** The frames of several records, concatenated. */
  public static byte[] frames(List<RunnerCkpt> records) {
    ByteBuffer all = ByteBuffer.allocate(records.stream().mapToInt(r -> frame(r).length).sum());
    records.forEach(r -> all.put(frame(r)));
    return all.array();
  }
}
