package thermos.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static thermos.runner.Sim.ephemeral;
import static thermos.runner.Sim.fin;
import static thermos.runner.Sim.order;
import static thermos.runner.Sim.proc;
import static thermos.runner.Sim.task;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import thermos.ckpt.States;
import thermos.config.TaskConfig;
import thermos.proto.ProcessHistory;
import thermos.proto.ProcessState;
import thermos.proto.ProcessStatus;
import thermos.proto.RunnerState;
import thermos.proto.TaskState;
import thermos.proto.TaskStatus;

/**
 * Recovery from every prefix of a run's log: a representative task is driven once to count its
 * records (N); then, for every k in 1..N, it is driven again with the runner dying right after
 * appending record k (the record is on disk, the runner never applied or acted on it) and a new
 * runner taking over. Each time the task must reach the same end — same terminal state, same
 * runs of every process, nothing left alive, the sentinel in finished — with a log that replays.
 *
 * <p>The driver is reactive (it looks at what the platform and the log say, not at a script of
 * steps), so it behaves the same whichever runner it talks to.
 */
class RunnerPrefixRecoveryTest {
  @TempDir Path dir;

  /** What a scenario's driver does between steps. */
  private interface Driver {
    void act(RunnerHarness h) throws Exception;
  }

  private record Outcome(TaskState state, List<TaskState> stages,
      Map<String, List<ProcessState>> runs, Map<String, Integer> launches, int records) {}

  // ---- scenario 1: a failure and retry, an ordering, an ephemeral, a finalizer, a kill ----

  private static final TaskConfig KILLED_TASK = task(List.of(order("setup", "server")),
      proc("setup").withMaxFailures(2).withMinDurationSecs(1), proc("server"),
      ephemeral("side"), fin("cleanup"), fin("report").withMaxFailures(2).withMinDurationSecs(1));

  /** setup fails once then succeeds; server and side run until TERMed; kill once server is up. */
  private static void killedScenario(RunnerHarness h) throws Exception {
    for (FakePlatform.FakeRun r : h.platform.runs()) {
      if (!r.userAlive || !r.coordinatorAlive) {
        continue;
      }
      switch (r.process()) {
        case "setup", "report" -> h.platform.end(r, Termination.exited(r.run() == 0 ? 1 : 0));
        case "cleanup" -> h.platform.end(r, Termination.exited(0));
        default -> { }
      }
    }
    ProcessStatus server = h.lastRun("server");
    if (server != null && server.getState() == ProcessState.RUNNING
        && !Files.exists(h.config.paths().killRequest(h.config.taskId()))) {
      h.requestDurableKill(TaskState.KILLED, 30_000);
    }
  }

  // ---- scenario 2: natural end, a finalizer failing once, a loss ----

  private static final TaskConfig NATURAL_TASK = task(List.of(order("a", "b")),
      proc("a").withMaxFailures(3).withMinDurationSecs(2), proc("b").withMinDurationSecs(1),
      ephemeral("side"), fin("f").withMaxFailures(2).withMinDurationSecs(1));

  /** a fails twice then succeeds; b is killed by a signal once (a loss) then succeeds. */
  private static void naturalScenario(RunnerHarness h) throws Exception {
    for (FakePlatform.FakeRun r : h.platform.runs()) {
      if (!r.userAlive || !r.coordinatorAlive) {
        continue;
      }
      switch (r.process()) {
        case "a" -> h.platform.end(r, Termination.exited(r.run() < 2 ? 1 : 0));
        case "b" -> h.platform.end(r, r.run() == 0 ? Termination.signalled(9)
            : Termination.exited(0));
        case "f" -> h.platform.end(r, Termination.exited(r.run() == 0 ? 3 : 0));
        default -> { }
      }
    }
  }

  @TestFactory
  Stream<DynamicTest> killedTaskRecoversFromEveryPrefix() throws Exception {
    return everyPrefix("killed", KILLED_TASK, RunnerPrefixRecoveryTest::killedScenario,
        TaskState.KILLED);
  }

  @TestFactory
  Stream<DynamicTest> naturalTaskRecoversFromEveryPrefix() throws Exception {
    return everyPrefix("natural", NATURAL_TASK, RunnerPrefixRecoveryTest::naturalScenario,
        TaskState.SUCCESS);
  }

  private Stream<DynamicTest> everyPrefix(String name, TaskConfig t, Driver driver,
      TaskState expected) throws Exception {
    Outcome baseline;
    try (RunnerHarness h = new RunnerHarness(dir.resolve(name + "-baseline"), t)) {
      baseline = drive(h, driver);
      assertEquals(0, h.crashes);
    }
    assertEquals(expected, baseline.state());
    assertTrue(baseline.records() > 20, "a representative log: " + baseline);
    List<DynamicTest> tests = new ArrayList<>();
    tests.add(DynamicTest.dynamicTest(name + ": baseline " + baseline.records() + " records",
        () -> assertEquals(expected, baseline.state())));
    IntStream.rangeClosed(1, baseline.records()).forEach(k -> tests.add(
        DynamicTest.dynamicTest(name + ": crash after record " + k, () -> {
          try (RunnerHarness h = new RunnerHarness(dir.resolve(name + "-" + k), t,
              TaskPlanner.RUNNER_RUN_LIMIT, k)) {
            Outcome o = drive(h, driver);
            assertEquals(1, h.crashes, "the runner died once, after record " + k);
            assertEquals(baseline.state(), o.state());
            assertEquals(baseline.stages(), o.stages());
            assertEquals(baseline.runs(), o.runs());
            assertEquals(baseline.launches(), o.launches(), "nothing launched twice");
          }
        })));
    return tests.stream();
  }

  /** Drives the task to its end, surviving crashes; checks what must hold at the end. */
  private static Outcome drive(RunnerHarness h, Driver driver) throws Exception {
    boolean finished = false;
    for (int i = 0; i < 1_000 && !finished; i++) {
      try {
        if (!h.dead() && h.runner.isTerminal()) {
          finished = true;
          break;
        }
        for (FakePlatform.FakeRun r : h.platform.runs()) {
          if (r.coordinatorAlive && !r.started) {
            h.platform.start(r);
          }
        }
        h.survive(() -> driver.act(h));
        h.survive(() -> h.advanceToNextTimer(Duration.ofSeconds(10)));
      } catch (RunnerException e) {
        // A runner restarted after the terminal record finds the task over.
        assertEquals(RunnerException.TERMINAL_TASK, e.exitCode(), e.getMessage());
        finished = true;
      }
    }
    assertTrue(finished, "the task never ended");
    RunnerState disk = h.replayed();
    if (!h.dead()) {
      assertEquals(disk, h.state(), "live state differs from the log");
    }
    Sim.assertSeqsContiguous(h.records());
    TaskState end = disk.getStatuses(disk.getStatusesCount() - 1).getState();
    assertTrue(States.isTerminal(end));
    assertEquals(List.of(), h.platform.aliveProcesses(), "processes outlive the task");
    assertFalse(Files.exists(h.activeSentinel()), "active sentinel left behind");
    assertTrue(Files.exists(h.finishedSentinel()));
    List<TaskState> stages = new ArrayList<>();
    for (TaskStatus s : disk.getStatusesList()) {
      if (stages.isEmpty() || stages.get(stages.size() - 1) != s.getState()) {
        stages.add(s.getState());
      }
    }
    Map<String, List<ProcessState>> runs = new LinkedHashMap<>();
    Map<String, Integer> launches = new LinkedHashMap<>();
    for (Map.Entry<String, ProcessHistory> e : new java.util.TreeMap<>(disk.getProcessesMap())
        .entrySet()) {
      List<ProcessState> states = new ArrayList<>();
      for (ProcessStatus r : e.getValue().getRunsList()) {
        assertTrue(States.isTerminal(r.getState()), "run left " + r.getState() + ": " + r);
        states.add(r.getState());
      }
      runs.put(e.getKey(), states);
      launches.put(e.getKey(), h.platform.launchCount(e.getKey()));
    }
    return new Outcome(end, stages, runs, launches, h.records().size());
  }
}
