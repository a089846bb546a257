package thermos.ckpt.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static thermos.proto.ProcessState.FAILED;
import static thermos.proto.ProcessState.KILLED;
import static thermos.proto.ProcessState.LOST;
import static thermos.proto.ProcessState.RUNNING;
import static thermos.proto.ProcessState.SUCCESS;
import static thermos.proto.ProcessState.WAITING;
import static thermos.proto.TaskState.ACTIVE;
import static thermos.proto.TaskState.CLEANING;
import static thermos.proto.TaskState.FINALIZING;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import thermos.ckpt.LogReplay;
import thermos.ckpt.States;
import thermos.ckpt.golden.Scenarios.Scenario;
import thermos.proto.ProcessState;
import thermos.proto.ProcessStatus;
import thermos.proto.RunnerState;
import thermos.proto.TaskState;
import thermos.proto.TaskStatus;

/**
 * The golden logs replay to what {@code expected.json} says, that JSON agrees with facts written
 * down here by hand (so the golden files are not merely self-consistent), and the files on disk
 * are exactly what the generator produces now.
 */
class GoldenLogsTest {
  /** One run as the replay must show it: state, return code (null = absent) and last seq. */
  record Run(ProcessState state, Integer rc, long seq) {}

  record Facts(List<TaskState> statuses, List<Integer> runnerPids, Map<String, Long> ports,
      Map<String, List<Run>> runs) {}

  private static Run run(ProcessState state, Integer rc, long seq) {
    return new Run(state, rc, seq);
  }

  static final Map<String, Facts> FACTS = Map.ofEntries(
      Map.entry("success", new Facts(List.of(ACTIVE, CLEANING, FINALIZING, TaskState.SUCCESS),
          List.of(4100, 4100, 4100, 4100), Map.of(), Map.of(
              "setup", List.of(run(SUCCESS, 0, 3)),
              "hello", List.of(run(SUCCESS, 0, 3)),
              "teardown", List.of(run(SUCCESS, 0, 3))))),
      Map.entry("failure_retries", new Facts(
          List.of(ACTIVE, CLEANING, FINALIZING, TaskState.FAILED),
          List.of(4100, 4100, 4100, 4100), Map.of(), Map.of(
              "flaky", List.of(run(FAILED, 1, 3), run(FAILED, 3, 7), run(SUCCESS, 0, 11)),
              "broken", List.of(run(FAILED, 2, 3), run(FAILED, 2, 7), run(FAILED, 127, 11))))),
      Map.entry("launch_failure", new Facts(
          List.of(ACTIVE, CLEANING, FINALIZING, TaskState.SUCCESS),
          List.of(4100, 4100, 4100, 4100), Map.of(), Map.of(
              "launcher", List.of(run(FAILED, null, 1), run(SUCCESS, 0, 5))))),
      Map.entry("daemon", new Facts(List.of(ACTIVE), List.of(4100), Map.of("http", 31000L),
          Map.of("server", List.of(run(SUCCESS, 0, 3), run(SUCCESS, 0, 7), run(SUCCESS, 0, 11),
              run(RUNNING, null, 14))))),
      Map.entry("active_running", new Facts(List.of(ACTIVE), List.of(4100),
          Map.of("http", 31337L, "admin", 31338L, "health", 31339L), Map.of(
              "install", List.of(run(SUCCESS, 0, 3)),
              "server", List.of(run(RUNNING, null, 2))))),
      Map.entry("kill", new Facts(List.of(ACTIVE, ACTIVE, CLEANING, FINALIZING, TaskState.KILLED),
          List.of(4100, 4800, 4800, 4800, 4800), Map.of("http", 31400L), Map.of(
              "web", List.of(run(KILLED, -15, 3)),
              "sidecar", List.of(run(KILLED, -1, 2)),
              "cleanup", List.of(run(SUCCESS, 0, 3))))),
      Map.entry("lose", new Facts(List.of(ACTIVE, ACTIVE, CLEANING, TaskState.LOST),
          List.of(4100, 5000, 5000, 5000), Map.of(), Map.of(
              "worker", List.of(run(LOST, null, 3)),
              "starter", List.of(run(LOST, null, 2))))),
      Map.entry("takeover", new Facts(
          List.of(ACTIVE, ACTIVE, CLEANING, FINALIZING, TaskState.SUCCESS),
          List.of(4100, 5200, 5200, 5200, 5200), Map.of("http", 31500L), Map.of(
              "job", List.of(run(SUCCESS, 0, 3)),
              "post", List.of(run(SUCCESS, 0, 3))))),
      Map.entry("header_late", new Facts(
          List.of(ACTIVE, ACTIVE, CLEANING, FINALIZING, TaskState.SUCCESS),
          List.of(4100, 5300, 5300, 5300, 5300), Map.of(), Map.of(
              "only", List.of(run(SUCCESS, 0, 3))))),
      Map.entry("loss_retries", new Facts(
          List.of(ACTIVE, CLEANING, FINALIZING, TaskState.SUCCESS),
          List.of(4100, 4100, 4100, 4100), Map.of(), Map.of(
              "worker", List.of(run(KILLED, -9, 3), run(LOST, null, 7), run(SUCCESS, 0, 11))))),
      Map.entry("kill_deadline", new Facts(List.of(ACTIVE, ACTIVE, CLEANING, TaskState.KILLED),
          List.of(4100, 5600, 5600, 5600), Map.of(), Map.of(
              "stubborn", List.of(run(KILLED, -1, 3))))),
      Map.entry("helper_kill", new Facts(List.of(ACTIVE, ACTIVE, TaskState.KILLED),
          List.of(4100, 5800, 5800), Map.of("http", 31700L), Map.of(
              "server", List.of(run(KILLED, -9, 3)),
              "client", List.of(run(WAITING, null, 0))))));

  static Stream<String> scenarios() {
    return Scenarios.all().stream().map(Scenario::name);
  }

  static Path log(String scenario) {
    return GoldenLogs.DIR.resolve(scenario).resolve(GoldenLogs.LOG);
  }

  static String expectedJson(String scenario) throws IOException {
    return Files.readString(GoldenLogs.DIR.resolve(scenario).resolve(GoldenLogs.EXPECTED));
  }

  @Test
  void everyScenarioHasFactsAndEveryGoldenDirectoryAScenario() throws IOException {
    assertEquals(new TreeSet<>(FACTS.keySet()), new TreeSet<>(scenarios().toList()));
    try (Stream<Path> dirs = Files.list(GoldenLogs.DIR)) {
      assertEquals(new TreeSet<>(FACTS.keySet()), new TreeSet<>(dirs.filter(Files::isDirectory)
          .map(p -> p.getFileName().toString()).toList()));
    }
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void readJsonPrintsExpectedJson(String scenario) throws IOException {
    assertEquals(expectedJson(scenario), GoldenLogs.readJson(log(scenario)));
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void replayedStateMatchesTheFactsWrittenByHand(String scenario) throws IOException {
    LogReplay.Result result = LogReplay.replay(log(scenario), false);
    assertTrue(result.clean(), () -> "problem: " + result.problem());
    assertNull(result.tornTail());
    assertEquals(Files.size(log(scenario)), result.position());
    assertEquals(Scenarios.named(scenario).records().size(), result.records());
    assertFacts(FACTS.get(scenario), result.state().toProto(), scenario);
  }

  static void assertFacts(Facts facts, RunnerState state, String scenario) {
    assertEquals(scenario, state.getHeader().getTaskId());
    assertEquals(facts.ports(), state.getHeader().getPortsMap());
    assertEquals(facts.statuses(), state.getStatusesList().stream()
        .map(TaskStatus::getState).toList());
    assertEquals(facts.runnerPids(), state.getStatusesList().stream()
        .map(TaskStatus::getRunnerPid).toList());
    assertEquals(facts.runs().keySet(), state.getProcessesMap().keySet());
    facts.runs().forEach((name, runs) -> {
      List<ProcessStatus> actual = state.getProcessesOrThrow(name).getRunsList();
      assertEquals(runs.size(), actual.size(), name + " run count");
      for (int i = 0; i < runs.size(); i++) {
        ProcessStatus a = actual.get(i);
        Run expected = runs.get(i);
        String what = name + " run " + i;
        assertEquals(expected.state(), a.getState(), what);
        assertEquals(expected.seq(), a.getSeq(), what);
        assertEquals(name, a.getProcess(), what);
        assertEquals(expected.rc() != null, a.hasReturnCode(), what + " has return_code");
        if (expected.rc() != null) {
          assertEquals(expected.rc().intValue(), a.getReturnCode(), what);
        }
        // LOST records carry the state only; every other terminal record has a stop time.
        boolean stopped = States.isTerminal(expected.state()) && expected.state() != LOST;
        assertEquals(stopped, a.hasStopTime(), what + " has stop_time");
      }
    });
  }

  @Test
  void failedRunsKeepStopTimeAndReturnCodeInTheJson() throws IOException {
    // Difference 2: Thermos' replay drops them from FAILED runs; ours prints them.
    String json = expectedJson("failure_retries");
    assertTrue(json.contains("\"return_code\": 127"), json);
    assertTrue(json.contains("\"state\": \"ACTIVE\""), "ACTIVE (enum zero) is printed");
    assertTrue(expectedJson("success").contains("\"return_code\": 0"), "rc 0 is printed");
  }

  @Test
  void aProcessLeftWaitingIsPrintedWithItsStateInTheJson() throws IOException {
    // WAITING is the enum's zero: the default JSON printer would leave it out.
    var client = com.google.gson.JsonParser.parseString(expectedJson("helper_kill"))
        .getAsJsonObject().getAsJsonObject("processes").getAsJsonObject("client")
        .getAsJsonArray("runs").get(0).getAsJsonObject();
    assertEquals("WAITING", client.get("state").getAsString(), client::toString);
    assertEquals(0, client.get("seq").getAsLong(), client::toString);
  }

  /** (from, to) of every record in the golden logs; a process's first WAITING is from null. */
  private static java.util.Set<String> transitions(boolean tasks) {
    java.util.Set<String> seen = new TreeSet<>();
    for (Scenario s : Scenarios.all()) {
      Map<String, ProcessState> last = new java.util.HashMap<>();
      TaskState task = null;
      for (var r : s.records()) {
        if (tasks && r.hasTaskStatus()) {
          seen.add(task + "->" + r.getTaskStatus().getState());
          task = r.getTaskStatus().getState();
        } else if (!tasks && r.hasProcessStatus()) {
          ProcessStatus p = r.getProcessStatus();
          seen.add(last.get(p.getProcess()) + "->" + p.getState());
          last.put(p.getProcess(), p.getState());
        }
      }
    }
    return seen;
  }

  @Test
  void theGoldenLogsHoldEveryLegalProcessTransitionAndThermosTaskSequence() {
    // SEMANTICS.md §1b.5, plus a new run after each terminal state.
    assertEquals(new TreeSet<>(List.of("null->WAITING", "WAITING->FORKED", "FORKED->RUNNING",
        "RUNNING->SUCCESS", "WAITING->FAILED", "RUNNING->FAILED", "FORKED->KILLED",
        "RUNNING->KILLED", "FORKED->LOST", "RUNNING->LOST", "SUCCESS->WAITING", "FAILED->WAITING",
        "KILLED->WAITING", "LOST->WAITING")), transitions(false));
    // §1b.4: natural runs, takeover duplicates, kill and lose, the deadline and the helper kill.
    assertTrue(transitions(true).containsAll(List.of("null->ACTIVE", "ACTIVE->ACTIVE",
        "ACTIVE->CLEANING", "CLEANING->FINALIZING", "FINALIZING->SUCCESS", "FINALIZING->FAILED",
        "FINALIZING->KILLED", "CLEANING->LOST", "CLEANING->KILLED", "ACTIVE->KILLED")),
        transitions(true)::toString);
  }

  @Test
  void headerLateReallyPutsStatusesBeforeTheHeader() {
    List<Scenario> all = Scenarios.all();
    for (Scenario s : all) {
      assertTrue(s.records().get(0).hasTaskStatus(), s.name() + ": TaskStatus ACTIVE first");
    }
    Scenario late = Scenarios.named("header_late");
    assertTrue(late.records().get(1).hasTaskStatus());
    assertTrue(late.records().get(2).hasRunnerHeader());
  }

  @Test
  void filesOnDiskAreWhatTheGeneratorProducesNow(@TempDir Path tmp) throws IOException {
    GoldenLogs.generate(tmp);
    for (Scenario s : Scenarios.all()) {
      for (String file : List.of(GoldenLogs.LOG, GoldenLogs.EXPECTED)) {
        Path onDisk = GoldenLogs.DIR.resolve(s.name()).resolve(file);
        Path fresh = tmp.resolve(s.name()).resolve(file);
        assertArrayEquals(Files.readAllBytes(fresh), Files.readAllBytes(onDisk),
            onDisk + " differs from the generator's output: run GoldenLogs.main to regenerate");
      }
      assertFalse(Files.exists(tmp.resolve(s.name()).resolve("runner.lock")));
    }
    assertEquals(Files.readString(tmp.resolve(GoldenLogs.README), StandardCharsets.UTF_8),
        Files.readString(GoldenLogs.DIR.resolve(GoldenLogs.README), StandardCharsets.UTF_8));
  }
}
