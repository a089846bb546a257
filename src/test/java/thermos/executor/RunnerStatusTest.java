package thermos.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import thermos.proto.TaskState;
import thermos.runner.Termination;

/** Thermos' compute_status: runner exit codes 0/101–105, others, signals; EXIT_STATE_MAP. */
class RunnerStatusTest {
  private static CheckpointSnapshot ckpt(TaskState s) {
    return new CheckpointSnapshot(s, s != null, s != null ? 7 : null, null);
  }

  private static Optional<StatusResult> compute(Termination t, TaskState s) {
    return RunnerStatus.compute(Optional.ofNullable(t), ckpt(s));
  }

  @ParameterizedTest(name = "exit {0} with checkpoint {1} -> {2}: {3}")
  @CsvSource(delimiter = '|', value = {
      "0   | SUCCESS | FINISHED | Task finished.",
      "0   | FAILED  | FAILED   | Task failed.",
      "0   | KILLED  | KILLED   | Task killed.",
      "0   | LOST    | LOST     | Task lost.",
      "0   | ACTIVE  | LOST     | Runner died while task was active.",
      "0   | CLEANING | LOST    | Task checkpoint could not be read.",
      "0   |         | LOST     | Task checkpoint could not be read.",
      "105 | ACTIVE  | LOST     | Runner died while task was active.",
      "105 |         | LOST     | Task checkpoint could not be read.",
      "101 | ACTIVE  | LOST     | Thermos failed with internal error.",
      "102 |         | FAILED   | Thermos received an invalid task.",
      "103 | ACTIVE  | LOST     | Thermos failed with an unknown error.",
      "104 |         | FAILED   | Task started with unknown user.",
      "13  | ACTIVE  | LOST     | Thermos exited for unknown reason (exit status: 13)",
      "1   |         | LOST     | Thermos exited for unknown reason (exit status: 1)",
      "128 | ACTIVE  | LOST     | Thermos exited for unknown reason (exit status: 128)",
      "200 | ACTIVE  | LOST     | Thermos exited for unknown reason (exit status: 200)",
      "255 | ACTIVE  | LOST     | Thermos exited for unknown reason (exit status: 255)",
  })
  void exitCodes(int code, TaskState state, ExecutorState expected, String reason) {
    assertEquals(Optional.of(new StatusResult(expected, reason)),
        compute(Termination.exited(code), state));
  }

  @ParameterizedTest(name = "signal {0}")
  @CsvSource({"9", "15", "6", "10"})
  void signalDeathsAreKilled(int signal) {
    assertEquals(Optional.of(new StatusResult(ExecutorState.KILLED,
        "Task killed by signal " + signal + ".")),
        compute(Termination.signalled(signal), TaskState.ACTIVE));
  }

  @Test
  void jdkExitStatusesAboveTwoHundredAreUnsignedCodesNotSignals() {
    // The JDK reports a death by signal N as 128+N; 129..192 read as signals, the rest as
    // codes, never negative (difference 11).
    assertEquals(Termination.signalled(9), Termination.fromShellStatus(137));
    assertEquals(Optional.of(new StatusResult(ExecutorState.LOST,
        "Thermos exited for unknown reason (exit status: 250)")),
        compute(Termination.fromShellStatus(250), TaskState.ACTIVE));
  }

  @Test
  void nothingWhileTheRunnerIsAlive() {
    assertEquals(Optional.empty(), compute(null, TaskState.ACTIVE));
    assertEquals(Optional.empty(), compute(null, TaskState.CLEANING));
    assertEquals(Optional.empty(), compute(null, null));
  }

  @Test
  void aTerminalCheckpointIsReportedEvenWhileTheRunnerLives() {
    assertEquals(Optional.of(new StatusResult(ExecutorState.FINISHED, "Task finished.")),
        compute(null, TaskState.SUCCESS));
  }

  @Test
  void aTerminalCheckpointBeatsHowTheRunnerDiedAfterwards() {
    assertEquals(Optional.of(new StatusResult(ExecutorState.FINISHED, "Task finished.")),
        compute(Termination.signalled(9), TaskState.SUCCESS));
    assertEquals(Optional.of(new StatusResult(ExecutorState.KILLED, "Task killed.")),
        compute(Termination.exited(101), TaskState.KILLED));
  }

  @Test
  void anUnreadableCheckpointAfterACleanExitIsLost() {
    CheckpointSnapshot corrupt = new CheckpointSnapshot(TaskState.ACTIVE, true, 7, "CRC");
    assertEquals(Optional.of(new StatusResult(ExecutorState.LOST,
        "Task checkpoint could not be read.")),
        RunnerStatus.compute(Optional.of(Termination.exited(0)), corrupt));
  }
}
