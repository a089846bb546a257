package thermos.runner;

import thermos.proto.ProcessState;
import thermos.proto.ProcessStatus;
import thermos.proto.RunnerCkpt;
import thermos.proto.TaskState;
import thermos.proto.TaskStatus;

/** The records the runner writes, built with exactly the fields Thermos' rules require. */
final class Records {
  private Records() {}

  static RunnerCkpt taskStatus(TaskState state, long timestampMs, int runnerPid, Integer uid) {
    TaskStatus.Builder s = TaskStatus.newBuilder().setState(state).setTimestampMs(timestampMs)
        .setRunnerPid(runnerPid);
    if (uid != null) {
      s.setRunnerUid(uid);
    }
    return RunnerCkpt.newBuilder().setTaskStatus(s).build();
  }

  static RunnerCkpt waiting(String process, long seq) {
    return process(ProcessStatus.newBuilder().setProcess(process).setSeq(seq)
        .setState(ProcessState.WAITING));
  }

  static RunnerCkpt forked(String process, long seq, double forkTime, int coordinatorPid) {
    return process(ProcessStatus.newBuilder().setProcess(process).setSeq(seq)
        .setState(ProcessState.FORKED).setForkTime(forkTime).setCoordinatorPid(coordinatorPid));
  }

  static RunnerCkpt running(String process, long seq, double startTime, int pid) {
    return process(ProcessStatus.newBuilder().setProcess(process).setSeq(seq)
        .setState(ProcessState.RUNNING).setStartTime(startTime).setPid(pid));
  }

  /** SUCCESS, FAILED or KILLED (signal) from how the process ended. */
  static RunnerCkpt ended(String process, long seq, Termination t, double stopTime) {
    ProcessState state = t.wasSignalled() ? ProcessState.KILLED
        : t.exitCode() == 0 ? ProcessState.SUCCESS : ProcessState.FAILED;
    return process(ProcessStatus.newBuilder().setProcess(process).setSeq(seq).setState(state)
        .setStopTime(stopTime).setReturnCode(t.returnCode()));
  }

  /** KILLED by the runner's own teardown (Thermos writes rc -1). */
  static RunnerCkpt killed(String process, long seq, double stopTime) {
    return process(ProcessStatus.newBuilder().setProcess(process).setSeq(seq)
        .setState(ProcessState.KILLED).setStopTime(stopTime).setReturnCode(-1));
  }

  static RunnerCkpt lost(String process, long seq, double stopTime) {
    return process(ProcessStatus.newBuilder().setProcess(process).setSeq(seq)
        .setState(ProcessState.LOST).setStopTime(stopTime));
  }

  /** WAITING → FAILED: the run could not be launched (counts as a failure, difference 4). */
  static RunnerCkpt launchFailed(String process, long seq, double stopTime) {
    return process(ProcessStatus.newBuilder().setProcess(process).setSeq(seq)
        .setState(ProcessState.FAILED).setStopTime(stopTime));
  }

  private static RunnerCkpt process(ProcessStatus.Builder status) {
    return RunnerCkpt.newBuilder().setProcessStatus(status).build();
  }
}
