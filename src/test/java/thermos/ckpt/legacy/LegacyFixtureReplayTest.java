package thermos.ckpt.legacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import thermos.ckpt.LogReplay;
import thermos.proto.ProcessState;
import thermos.proto.ProcessStatus;
import thermos.proto.RunnerHeader;
import thermos.proto.RunnerState;
import thermos.proto.TaskState;
import thermos.proto.TaskStatus;

/**
 * Each fixture task replayed through the real dispatcher, against the values its records hold
 * (decoded once by hand, independently of this code, from the bytes in the fixture root).
 */
class LegacyFixtureReplayTest {
  private static final String SANDBOX = "/tmp/thermos.kfezsG/sandbox";
  private static final String HOST = "wickman-2.local";

  private static LogReplay.Result replay(String task) throws IOException {
    LogReplay.Result r = LogReplay.replay(Fixtures.runner(task), false);
    assertTrue(r.clean(), () -> task + ": " + r.problem());
    assertNull(r.tornTail(), task);
    assertEquals(LegacyFormat.NAME, r.format());
    return r;
  }

  private static void assertStatuses(RunnerState s, List<TaskState> states, long firstTs,
      long lastTs, int runnerPid) {
    List<TaskStatus> statuses = s.getStatusesList();
    assertEquals(states, statuses.stream().map(TaskStatus::getState).toList());
    assertEquals(firstTs, statuses.get(0).getTimestampMs());
    assertEquals(lastTs, statuses.get(statuses.size() - 1).getTimestampMs());
    assertEquals(runnerPid, statuses.get(0).getRunnerPid());
    assertTrue(statuses.stream().allMatch(t -> t.getRunnerUid() == 501));
  }

  /** A 2012 header: no uid and no log_dir (they did not exist yet). */
  private static void assertHeader(RunnerState s, String task, long launchMs, String sandbox,
      String host, Map<String, Long> ports) {
    RunnerHeader h = s.getHeader();
    assertEquals(task, h.getTaskId());
    assertEquals(launchMs, h.getLaunchTimeMs());
    assertEquals(sandbox, h.getSandbox());
    assertEquals(host, h.getHostname());
    assertEquals("wickman", h.getUser());
    assertEquals(ports, h.getPortsMap());
    assertFalse(h.hasUid());
    assertFalse(h.hasLogDir());
    assertFalse(h.hasSettings());
  }

  private static List<ProcessStatus> runs(RunnerState s, String process) {
    return s.getProcessesOrThrow(process).getRunsList();
  }

  private static void assertRun(ProcessStatus run, ProcessState state, int pid, Integer rc) {
    assertEquals(state, run.getState());
    assertEquals(pid, run.getPid());
    if (rc == null) {
      assertFalse(run.hasReturnCode());
      assertFalse(run.hasStopTime());
    } else {
      assertEquals(rc, run.getReturnCode());
      assertTrue(run.hasStopTime());
    }
  }

  @Test
  void everyTaskHasExactlyTheProcessesItsRecordsName() throws IOException {
    // failure_limit's task JSON also has a process "c", which never ran: the task failed first.
    Map<String, Set<String>> expected = Map.of(
        "failure", Set.of("p1", "p2", "p3"),
        "failure_limit", Set.of("a", "b"),
        "hello_world", Set.of("echo"),
        "ordering", Set.of("echo_one", "echo_two", "echo_three"),
        "ports", Set.of("echo"),
        "sleep60", Set.of("sleep"),
        "sleep60-lost", Set.of("sleep"));
    assertEquals(Set.copyOf(Fixtures.TASKS), expected.keySet());
    for (String task : Fixtures.TASKS) {
      assertEquals(expected.get(task), replay(task).state().toProto().getProcessesMap().keySet(),
          task);
    }
  }

  @Test
  void helloWorld() throws IOException {
    LogReplay.Result r = replay("hello_world");
    assertEquals(7, r.records());
    RunnerState s = r.state().toProto();
    assertHeader(s, "hello_world", 1337097943035L, SANDBOX, HOST, Map.of());
    assertStatuses(s, List.of(TaskState.ACTIVE, TaskState.SUCCESS), 1337097943036L,
        1337097945490L, 43477);
    assertEquals(List.of("echo"), List.copyOf(s.getProcessesMap().keySet()));
    ProcessStatus echo = runs(s, "echo").get(0);
    assertEquals(1, runs(s, "echo").size());
    assertRun(echo, ProcessState.SUCCESS, 43479, 0);
    assertEquals(3, echo.getSeq());
    assertEquals("echo", echo.getProcess());
    assertEquals(43478, echo.getCoordinatorPid());
    assertEquals(1337097943.293865, echo.getForkTime());
    assertEquals(1337097943.406474, echo.getStartTime());
    assertEquals(1337097943.420024, echo.getStopTime());
  }

  @Test
  void failureRetriesUntilEachProcessSucceeds() throws IOException {
    LogReplay.Result r = replay("failure");
    assertEquals(27, r.records());
    RunnerState s = r.state().toProto();
    assertHeader(s, "failure", 1337097948131L, SANDBOX, HOST, Map.of());
    // The task is called "failure" but every process ends up succeeding within max_failures.
    assertStatuses(s, List.of(TaskState.ACTIVE, TaskState.SUCCESS), 1337097948133L,
        1337097956001L, 43480);
    assertEquals(Map.of("p1", 1, "p2", 2, "p3", 3), Map.of(
        "p1", runs(s, "p1").size(), "p2", runs(s, "p2").size(), "p3", runs(s, "p3").size()));
    assertRun(runs(s, "p1").get(0), ProcessState.SUCCESS, 43498, 0);
    // FAILED runs keep their return code and stop time (our difference 2 from Thermos).
    assertRun(runs(s, "p2").get(0), ProcessState.FAILED, 43484, 1);
    assertRun(runs(s, "p2").get(1), ProcessState.SUCCESS, 43507, 0);
    assertRun(runs(s, "p3").get(0), ProcessState.FAILED, 43483, 1);
    assertRun(runs(s, "p3").get(1), ProcessState.FAILED, 43508, 1);
    assertRun(runs(s, "p3").get(2), ProcessState.SUCCESS, 43522, 0);
    assertEquals(11, runs(s, "p3").get(2).getSeq());
    assertEquals(1337097948.848738, runs(s, "p2").get(0).getStopTime());
  }

  @Test
  void failureLimitFailsTheTask() throws IOException {
    LogReplay.Result r = replay("failure_limit");
    assertEquals(11, r.records());
    RunnerState s = r.state().toProto();
    assertHeader(s, "failure_limit", 1337097957826L, SANDBOX, HOST, Map.of());
    assertStatuses(s, List.of(TaskState.ACTIVE, TaskState.FAILED), 1337097957827L,
        1337097962896L, 43529);
    assertEquals(List.of("a", "b"), List.copyOf(s.getProcessesMap().keySet()));
    assertEquals(1, runs(s, "a").size());
    assertEquals(1, runs(s, "b").size());
    assertRun(runs(s, "a").get(0), ProcessState.SUCCESS, 43531, 0);
    assertRun(runs(s, "b").get(0), ProcessState.FAILED, 43533, 1);
  }

  @Test
  void orderingRunsProcessesOneAfterAnother() throws IOException {
    LogReplay.Result r = replay("ordering");
    assertEquals(15, r.records());
    RunnerState s = r.state().toProto();
    assertHeader(s, "ordering", 1337097964716L, SANDBOX, HOST, Map.of());
    assertStatuses(s, List.of(TaskState.ACTIVE, TaskState.SUCCESS), 1337097964717L,
        1337098151170L, 43535);
    assertEquals(List.of("echo_one", "echo_two", "echo_three"),
        List.copyOf(r.state().processNames()));
    assertRun(runs(s, "echo_one").get(0), ProcessState.SUCCESS, 43537, 0);
    assertRun(runs(s, "echo_two").get(0), ProcessState.SUCCESS, 43547, 0);
    assertRun(runs(s, "echo_three").get(0), ProcessState.SUCCESS, 43558, 0);
    // Each one forks only after the previous one stopped.
    assertTrue(runs(s, "echo_one").get(0).getStopTime()
        < runs(s, "echo_two").get(0).getForkTime());
    assertTrue(runs(s, "echo_two").get(0).getStopTime()
        < runs(s, "echo_three").get(0).getForkTime());
  }

  @Test
  void portsAreInTheHeader() throws IOException {
    LogReplay.Result r = replay("ports");
    assertEquals(7, r.records());
    RunnerState s = r.state().toProto();
    assertHeader(s, "ports", 1337098152741L, SANDBOX, HOST,
        Map.of("hello", 50000L, "world", 50001L));
    assertStatuses(s, List.of(TaskState.ACTIVE, TaskState.SUCCESS), 1337098152742L,
        1337098155069L, 43567);
    assertRun(runs(s, "echo").get(0), ProcessState.SUCCESS, 43570, 0);
  }

  @Test
  void sleep60WasKilledWithTheKillRecordAfterTheTerminalStatus() throws IOException {
    LogReplay.Result r = replay("sleep60");
    assertEquals(8, r.records());
    RunnerState s = r.state().toProto();
    assertHeader(s, "sleep60", 1337098156614L, SANDBOX, HOST, Map.of());
    assertStatuses(s, List.of(TaskState.ACTIVE, TaskState.ACTIVE, TaskState.KILLED),
        1337098156615L, 1337098162509L, 43573);
    // The second ACTIVE is the runner that took over to kill (a new runner pid).
    assertEquals(43580, s.getStatuses(1).getRunnerPid());
    assertEquals(1, runs(s, "sleep").size());
    ProcessStatus sleep = runs(s, "sleep").get(0);
    assertRun(sleep, ProcessState.KILLED, 43575, -1);
    assertEquals(1337098162.561089, sleep.getStopTime());
  }

  @Test
  void sleep60LostIsLeftActiveWithItsProcessRunning() throws IOException {
    LogReplay.Result r = replay("sleep60-lost");
    assertEquals(5, r.records());
    RunnerState s = r.state().toProto();
    assertHeader(s, "sleep60-lost", 1336688659953L,
        "tests/resources/com/twitter/thermos/root/sandbox", "tw-172-16-146-121.office.twttr.net",
        Map.of());
    assertStatuses(s, List.of(TaskState.ACTIVE), 1336688659954L, 1336688659954L, 31422);
    ProcessStatus sleep = runs(s, "sleep").get(0);
    assertRun(sleep, ProcessState.RUNNING, 31424, null);
    assertEquals(31423, sleep.getCoordinatorPid());
    assertEquals(1336688660.192713, sleep.getStartTime());
  }
}
