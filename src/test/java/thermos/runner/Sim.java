package thermos.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import thermos.ckpt.States;
import thermos.config.Constraint;
import thermos.config.ProcessConfig;
import thermos.config.TaskConfig;
import thermos.proto.ProcessHistory;
import thermos.proto.ProcessState;
import thermos.proto.ProcessStatus;
import thermos.proto.RunnerCkpt;
import thermos.proto.RunnerState;
import thermos.proto.TaskState;

/** Task builders and invariant checks shared by the runner simulation tests. */
final class Sim {
  private Sim() {}

  static final Duration SECOND = Duration.ofSeconds(1);

  /** A regular process with Thermos' defaults (max_failures 1, min_duration 5). */
  static ProcessConfig proc(String name) {
    return ProcessConfig.of(name, "run " + name);
  }

  static ProcessConfig ephemeral(String name) {
    return proc(name).withEphemeral(true);
  }

  static ProcessConfig daemon(String name) {
    return proc(name).withDaemon(true);
  }

  static ProcessConfig fin(String name) {
    return proc(name).withFinal(true);
  }

  static TaskConfig task(ProcessConfig... processes) {
    return TaskConfig.of("t", List.of(processes), List.of());
  }

  static TaskConfig task(List<Constraint> constraints, ProcessConfig... processes) {
    return TaskConfig.of("t", List.of(processes), constraints);
  }

  static Constraint order(String... names) {
    return new Constraint(List.of(names));
  }

  static Duration secs(double s) {
    return Duration.ofNanos(Math.round(s * 1e9));
  }

  /** Invariants that hold after every step of a live runner. */
  static void assertConsistent(RunnerHarness h) throws IOException {
    RunnerState live = h.state();
    RunnerState disk = h.replayed();
    assertEquals(disk, live, "live state differs from the state replayed from the log");
    assertSeqsContiguous(h.records());
  }

  /**
   * Independently of the dispatcher: per process, seqs of the log go up by exactly one, starting
   * at 0, and the runner's statuses never go back.
   */
  static void assertSeqsContiguous(List<RunnerCkpt> records) {
    Map<String, Long> last = new HashMap<>();
    for (RunnerCkpt r : records) {
      if (r.hasProcessStatus()) {
        ProcessStatus s = r.getProcessStatus();
        long expected = last.getOrDefault(s.getProcess(), -1L) + 1;
        assertEquals(expected, s.getSeq(), "seq of " + s.getProcess() + " in " + s);
        last.put(s.getProcess(), s.getSeq());
      }
    }
  }

  /** Everything a terminal task must satisfy, and its terminal state. */
  static void assertFinished(RunnerHarness h, TaskState expected) throws IOException {
    assertEquals(expected, h.taskState(), () -> "statuses " + h.statuses());
    assertFinishedCleanly(h);
  }

  static void assertFinishedCleanly(RunnerHarness h) throws IOException {
    assertTrue(States.isTerminal(h.taskState()), () -> "not terminal: " + h.statuses());
    assertEquals(List.of(), h.platform.aliveProcesses(), "processes outlive the task");
    assertFalse(Files.exists(h.activeSentinel()), "active sentinel left behind");
    assertTrue(Files.exists(h.finishedSentinel()), "no finished sentinel");
    assertConsistent(h);
    for (Map.Entry<String, ProcessHistory> e : h.state().getProcessesMap().entrySet()) {
      for (ProcessStatus run : e.getValue().getRunsList()) {
        assertTrue(States.isTerminal(run.getState()),
            () -> "run of " + e.getKey() + " not terminal after the task: " + run);
      }
    }
  }

  static List<ProcessState> states(ProcessState... s) {
    return List.of(s);
  }
}
