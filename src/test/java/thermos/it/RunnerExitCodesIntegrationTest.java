package thermos.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.proto.ProcessState;

/** Every runner exit code (DESIGN.md §4), reached by its cause, with nothing half-written. */
@Tag("integration")
class RunnerExitCodesIntegrationTest {
  @TempDir Path dir;

  private static final String SLEEPER = """
      {"name": "t", "processes": [
        {"name": "wait", "cmdline": "while [ ! -e go ]; do sleep 0.02; done"}]}""";

  private void assertNothingWritten(TaskFixture f) {
    assertFalse(Files.exists(f.paths.checkpointDir(f.taskId)), "checkpoint dir created");
    assertFalse(Files.exists(f.paths.activeTaskFile(f.taskId)), "active sentinel created");
  }

  @Test
  void zeroWhenTheTaskReachesATerminalState() throws Exception {
    try (TaskFixture f = new TaskFixture(dir, "t")) {
      Process p = f.startRunner(f.writeTask("""
          {"name": "t", "processes": [{"name": "fail", "cmdline": "exit 1"}]}"""));
      assertEquals(0, f.awaitExit(p), "a FAILED task is still a terminal state reached");
    }
  }

  @Test
  void internalErrorWhenAPortIsNotBound() throws Exception {
    try (TaskFixture f = new TaskFixture(dir, "t")) {
      Process p = f.startRunner(f.writeTask("""
          {"name": "t", "processes": [{"name": "srv",
            "cmdline": "serve --port {{thermos.ports[http]}}"}]}"""));
      assertEquals(101, f.awaitExit(p));
      assertTrue(f.runnerLogs().contains("http"), f.runnerLogs());
      assertNothingWritten(f);
    }
  }

  @Test
  void invalidTaskForBadJsonUnknownKeysAndCycles() throws Exception {
    for (String json : List.of("{\"name\": ", """
        {"name": "t", "processes": [{"name": "a", "cmdline": "true", "colour": 1}]}""", """
        {"name": "t", "processes": [{"name": "a", "cmdline": "true"},
          {"name": "b", "cmdline": "true"}],
         "constraints": [{"order": ["a", "b"]}, {"order": ["b", "a"]}]}""", """
        {"name": "t", "processes": [{"name": "../x", "cmdline": "true"}]}""")) {
      try (TaskFixture f = new TaskFixture(dir, "t")) {
        Process p = f.startRunner(f.writeTask(json));
        assertEquals(102, f.awaitExit(p), json + "\n" + f.runnerLogs());
        assertNothingWritten(f);
      }
    }
  }

  @Test
  void unknownErrorWhenAnotherRunnerHoldsTheCheckpoint() throws Exception {
    try (TaskFixture f = new TaskFixture(dir, "t")) {
      Path task = f.writeTask(SLEEPER);
      Process first = f.startRunner(task);
      f.await("running", s -> s.getProcessesMap().containsKey("wait")
          && s.getProcessesMap().get("wait").getRuns(0).getState() == ProcessState.RUNNING);
      Process second = f.startRunner(task);
      assertEquals(103, f.awaitExit(second));
      assertTrue(f.runnerLogs().contains("locked"), f.runnerLogs());
      assertTrue(first.isAlive(), "the lock holder is untouched");
      Files.writeString(f.sandbox.resolve("go"), "");
      assertEquals(0, f.awaitExit(first));
    }
  }

  @Test
  void unknownErrorWhenTheSandboxCannotBeCreated() throws Exception {
    try (TaskFixture f = new TaskFixture(dir, "t")) {
      Path task = f.writeTask(SLEEPER);
      Files.writeString(f.sandbox, "a file where the sandbox should be");
      Process p = f.startRunner(task);
      assertEquals(103, f.awaitExit(p));
      assertTrue(f.runnerLogs().contains("cannot create sandbox " + f.sandbox),
          f.runnerLogs());
      assertNothingWritten(f);
    }
  }

  @Test
  void unknownUserWhenTheJvmUserHasNoName() throws Exception {
    try (TaskFixture f = new TaskFixture(dir, "t")) {
      // The JVM reports a uid without a passwd entry as user.name "?".
      Process p = f.startRunner(List.of("-Duser.name=?"), f.writeTask(SLEEPER));
      assertEquals(104, f.awaitExit(p));
      assertNothingWritten(f);
    }
  }

  @Test
  void terminalTaskWhenATaskIdIsReused() throws Exception {
    try (TaskFixture f = new TaskFixture(dir, "t")) {
      Path task = f.writeTask("""
          {"name": "t", "processes": [{"name": "ok", "cmdline": "true"}]}""");
      assertEquals(0, f.awaitExit(f.startRunner(task)));
      byte[] log = Files.readAllBytes(f.paths.runnerCheckpoint("t"));
      assertEquals(105, f.awaitExit(f.startRunner(task)));
      assertEquals(List.of(), diff(log, Files.readAllBytes(f.paths.runnerCheckpoint("t"))),
          "the finished task's checkpoint is untouched");
      // Also with the checkpoint gone but the finished sentinel there.
      Files.delete(f.paths.runnerCheckpoint("t"));
      assertEquals(105, f.awaitExit(f.startRunner(task)));
    }
  }

  private static List<Integer> diff(byte[] a, byte[] b) {
    return java.util.Arrays.equals(a, b) ? List.of() : List.of(a.length, b.length);
  }
}
