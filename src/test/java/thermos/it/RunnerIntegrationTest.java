package thermos.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static thermos.it.TaskFixture.terminal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.proto.ProcessState;
import thermos.proto.ProcessStatus;
import thermos.proto.RunnerState;
import thermos.proto.TaskState;

/** The runner JVM with real processes: Thermos behaviours end to end. */
@Tag("integration")
class RunnerIntegrationTest {
  @TempDir Path dir;

  private static TaskState taskState(RunnerState s) {
    return s.getStatuses(s.getStatusesCount() - 1).getState();
  }

  private static List<ProcessStatus> runs(RunnerState s, String process) {
    return s.getProcessesMap().get(process).getRunsList();
  }

  private static List<ProcessState> runStates(RunnerState s, String process) {
    List<ProcessState> states = new ArrayList<>();
    runs(s, process).forEach(r -> states.add(r.getState()));
    return states;
  }

  private RunnerState runToEnd(TaskFixture f, String json) throws Exception {
    Process runner = f.startRunner(f.writeTask(json));
    RunnerState s = f.await("terminal state", TaskFixture::terminal);
    assertEquals(0, f.awaitExit(runner), f.runnerLogs());
    f.assertNoProcessLeft();
    return s;
  }

  @Test
  void successWritesLogsAndFinishes() throws Exception {
    try (TaskFixture f = new TaskFixture(dir, "ok")) {
      RunnerState s = runToEnd(f, """
          {"name": "ok", "processes": [
            {"name": "hello", "cmdline": "echo hello from $PWD; echo oops >&2"}]}""");
      assertEquals(TaskState.SUCCESS, taskState(s));
      assertEquals(List.of(ProcessState.SUCCESS), runStates(s, "hello"));
      Path logs = f.sandbox.resolve(".logs/hello/0");
      assertEquals("hello from " + f.sandbox + "\n", Files.readString(logs.resolve("stdout")));
      assertEquals("oops\n", Files.readString(logs.resolve("stderr")));
      assertTrue(Files.exists(f.paths.finishedTaskFile("ok")));
      assertFalse(Files.exists(f.paths.activeTaskFile("ok")));
    }
  }

  @Test
  void failuresAreRetriedUpToMaxFailures() throws Exception {
    try (TaskFixture f = new TaskFixture(dir, "retry")) {
      RunnerState s = runToEnd(f, """
          {"name": "retry", "processes": [
            {"name": "third_time", "min_duration": 0, "max_failures": 3,
             "cmdline": "echo x >> tries; [ $(wc -l < tries) -ge 3 ]"},
            {"name": "never", "min_duration": 0, "max_failures": 2, "cmdline": "exit 4"}],
           "max_failures": 0}""");
      assertEquals(List.of(ProcessState.FAILED, ProcessState.FAILED, ProcessState.SUCCESS),
          runStates(s, "third_time"));
      assertEquals(List.of(ProcessState.FAILED, ProcessState.FAILED), runStates(s, "never"));
      assertEquals(4, runs(s, "never").get(1).getReturnCode());
      assertEquals(TaskState.SUCCESS, taskState(s), "task max_failures 0 = unlimited");
    }
  }

  @Test
  void orderingAndConcurrencyLimitHold() throws Exception {
    try (TaskFixture f = new TaskFixture(dir, "order")) {
      RunnerState s = runToEnd(f, """
          {"name": "order", "max_concurrency": 2, "processes": [
            {"name": "first", "cmdline": "sleep 0.2"},
            {"name": "p1", "cmdline": "sleep 0.3"}, {"name": "p2", "cmdline": "sleep 0.3"},
            {"name": "p3", "cmdline": "sleep 0.3"}, {"name": "p4", "cmdline": "sleep 0.3"}],
           "constraints": [{"order": ["first", "p1"]}, {"order": ["first", "p2"]},
             {"order": ["first", "p3"]}, {"order": ["first", "p4"]}]}""");
      assertEquals(TaskState.SUCCESS, taskState(s));
      double firstEnd = runs(s, "first").get(0).getStopTime();
      List<double[]> intervals = new ArrayList<>();
      for (String p : List.of("p1", "p2", "p3", "p4")) {
        ProcessStatus r = runs(s, p).get(0);
        assertTrue(r.getStartTime() >= firstEnd, p + " started before first ended");
        intervals.add(new double[] {r.getStartTime(), r.getStopTime()});
      }
      for (double[] a : intervals) {
        long overlapping = intervals.stream()
            .filter(b -> b[0] <= a[0] && a[0] < b[1]).count();
        assertTrue(overlapping <= 2, "more than 2 processes ran at once");
      }
    }
  }

  @Test
  void ephemeralIsTerminatedAtCleaningAndDaemonRestarts() throws Exception {
    try (TaskFixture f = new TaskFixture(dir, "eph")) {
      RunnerState s = runToEnd(f, """
          {"name": "eph", "processes": [
            {"name": "main", "cmdline": "while [ $(cat beats 2>/dev/null | wc -l) -lt 3 ]; do sleep 0.05; done"},
            {"name": "beat", "daemon": true, "ephemeral": true, "min_duration": 0,
             "cmdline": "echo beat >> beats; sleep 0.1"},
            {"name": "sidecar", "ephemeral": true, "cmdline": "sleep 1000"}]}""");
      assertEquals(TaskState.SUCCESS, taskState(s));
      List<ProcessState> beats = runStates(s, "beat");
      assertTrue(beats.size() >= 3, "daemon restarted: " + beats);
      assertEquals(ProcessState.SUCCESS, beats.get(0));
      ProcessStatus sidecar = runs(s, "sidecar").get(0);
      assertEquals(ProcessState.KILLED, sidecar.getState());
      assertEquals(-15, sidecar.getReturnCode(), "SIGTERMed at CLEANING");
    }
  }

  @Test
  void finalizersRunAfterAFailure() throws Exception {
    try (TaskFixture f = new TaskFixture(dir, "fin")) {
      RunnerState s = runToEnd(f, """
          {"name": "fin", "processes": [
            {"name": "broken", "cmdline": "exit 2"},
            {"name": "cleanup", "final": true, "cmdline": "echo cleaned > cleaned"}]}""");
      assertEquals(TaskState.FAILED, taskState(s));
      assertEquals(List.of(ProcessState.SUCCESS), runStates(s, "cleanup"));
      assertTrue(Files.exists(f.sandbox.resolve("cleaned")));
    }
  }

  @Test
  void backgroundGrandchildDiesWithItsParentsRun() throws Exception {
    try (TaskFixture f = new TaskFixture(dir, "bg")) {
      // `after` runs once spawner's run has ended, while the task is still ACTIVE: it fails
      // unless the background child is dead by then (gone, or a zombie not yet reaped).
      RunnerState s = runToEnd(f, """
          {"name": "bg", "processes": [
            {"name": "spawner", "cmdline": "sleep 1000 & echo $! > bgpid"},
            {"name": "after", "cmdline": "st=$(cut -d' ' -f3 /proc/$(cat bgpid)/stat 2>/dev/null); echo \\"state=$st\\"; [ -z \\"$st\\" ] || [ \\"$st\\" = Z ]"}],
           "constraints": [{"order": ["spawner", "after"]}]}""");
      assertEquals(List.of(ProcessState.SUCCESS), runStates(s, "after"),
          "the background child was alive after its parent's run ended: "
              + Files.readString(f.sandbox.resolve(".logs/after/0/stdout")));
      assertEquals(TaskState.SUCCESS, taskState(s));
      int bg = Integer.parseInt(Files.readString(f.sandbox.resolve("bgpid")).trim());
      assertTrue(ProcessHandle.of(bg).map(h -> !h.isAlive() || zombie(bg)).orElse(true),
          "background child " + bg + " outlived its run");
    }
  }

  static boolean zombie(int pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) == 'Z';
    } catch (java.io.IOException e) {
      return true;
    }
  }
}
