package thermos.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.ckpt.LogReplay;
import thermos.ckpt.TaskPath;
import thermos.common.Clock;
import thermos.proto.RunnerState;
import thermos.proto.TaskState;

/**
 * The runner's main in this JVM on a fake platform: "no error is swallowed" (difference 5) — an
 * unexpected error in the loop drives the task to LOST, moves its sentinel to finished, and the
 * runner exits 101 saying why.
 */
class RunnerMainTest {
  @TempDir Path dir;

  /** Runs every launched process at once to a clean exit, from inside the launch. */
  private static final class SelfDriving implements ProcessPlatform {
    final FakePlatform fake = new FakePlatform(Clock.SYSTEM);
    /** The first signal to a run fails the way a broken /proc would. */
    final AtomicBoolean broken = new AtomicBoolean(true);

    @Override
    public RunRef launch(LaunchRequest request, ProcessEvents events) throws LaunchException {
      RunRef ref = fake.launch(request, events);
      fake.start(fake.latest(request.process()));
      fake.exit(request.process(), 0);
      return ref;
    }

    @Override
    public void reattach(RunRef run, ProcessEvents events) {
      fake.reattach(run, events);
    }

    @Override
    public void forget(String process, int run) {
      fake.forget(process, run);
    }

    @Override
    public int signalRun(RunRef run, Signal signal, boolean includeCoordinator) {
      if (broken.getAndSet(false)) {
        throw new IllegalStateException("cannot list /proc: Too many open files");
      }
      return fake.signalRun(run, signal, includeCoordinator);
    }

    @Override
    public boolean runAlive(RunRef run) {
      return fake.runAlive(run);
    }

    @Override
    public Set<RunRef> aliveRuns(Collection<RunRef> runs) {
      return fake.aliveRuns(runs);
    }

    @Override
    public int signalOrphans(Collection<RunRef> live, Signal signal) {
      return fake.signalOrphans(live, signal);
    }

    @Override
    public boolean orphansAlive(Collection<RunRef> live) {
      return fake.orphansAlive(live);
    }

    @Override
    public boolean killAll(Collection<RunRef> runs) {
      return fake.killAll(runs);
    }

    @Override
    public void close() {}
  }

  @Test
  void anInternalErrorInTheLoopEndsTheTaskLostAndExits101WithTheReason() throws Exception {
    Path task = dir.resolve("t.json");
    Files.writeString(task, """
        {"name": "t", "processes": [{"name": "a", "cmdline": "true"},
          {"name": "b", "cmdline": "true"}, {"name": "c", "cmdline": "true"}],
         "constraints": [{"order": ["a", "b", "c"]}]}""");
    TaskPath paths = new TaskPath(dir.resolve("root"));
    RunnerMain.Options o = new RunnerMain.Options(task, paths.root(), dir.resolve("sandbox"),
        "t1", Map.of(), null, null, "host", false, false, null);
    SelfDriving platform = new SelfDriving();
    int code;
    try (LogCapture logs = new LogCapture()) {
      code = RunnerMain.run(o, null, null, (config, start) -> platform, Clock.SYSTEM);
      assertTrue(logs.text().contains("cannot list /proc: Too many open files"), logs.text());
      assertTrue(logs.lines().stream().anyMatch(l -> l.startsWith("ERROR internal error")),
          logs.text());
    }
    assertEquals(RunnerException.INTERNAL_ERROR, code);
    RunnerState s = LogReplay.replay(paths.runnerCheckpoint("t1"), false).state().toProto();
    assertEquals(TaskState.LOST, s.getStatuses(s.getStatusesCount() - 1).getState(),
        "driven to a terminal state");
    // a's exit lets b start, then a's tree is killed — where the broken /proc fails the step.
    assertFalse(s.getProcessesMap().containsKey("c"), "nothing launched after the error");
    assertFalse(Files.exists(paths.activeTaskFile("t1")));
    assertTrue(Files.exists(paths.finishedTaskFile("t1")), "sentinel moved to finished");
    assertEquals(List.of(), platform.fake.aliveProcesses());
  }
}
