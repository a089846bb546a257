package thermos.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static thermos.it.TaskFixture.running;
import static thermos.it.TaskFixture.terminal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.proto.ProcessState;
import thermos.proto.ProcessStatus;
import thermos.proto.RunnerState;
import thermos.proto.TaskState;
import thermos.proto.TaskStatus;

/** Kills, crashes, takeovers and exit codes of the runner JVM, with real processes. */
@Tag("integration")
class RunnerLifecycleIntegrationTest {
  @TempDir Path dir;

  private static TaskStatus last(RunnerState s) {
    return s.getStatuses(s.getStatusesCount() - 1);
  }

  private static ProcessStatus lastRun(RunnerState s, String process) {
    var h = s.getProcessesMap().get(process);
    return h.getRuns(h.getRunsCount() - 1);
  }

  private static void signal(Process p, String sig) throws Exception {
    Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).start();
    assertEquals(0, k.waitFor());
  }

  @Test
  void termIgnoringProcessIsKilledAtTheGraceDeadline() throws Exception {
    try (TaskFixture f = new TaskFixture(dir, "stubborn")) {
      Path task = f.writeTask("""
          {"name": "stubborn", "processes": [
            {"name": "deaf", "cmdline": "trap '' TERM; while true; do sleep 0.05; done"},
            {"name": "fin", "final": true, "cmdline": "true"}]}""");
      Process runner = f.startRunner(task, "--preemption-wait", "1");
      f.await("deaf running", s -> running(s, "deaf"));
      long killedAt = System.currentTimeMillis();
      signal(runner, "USR1");
      RunnerState s = f.await("terminal", TaskFixture::terminal);
      assertEquals(0, f.awaitExit(runner));
      assertEquals(TaskState.KILLED, last(s).getState());
      ProcessStatus deaf = lastRun(s, "deaf");
      assertEquals(ProcessState.KILLED, deaf.getState());
      assertEquals(-1, deaf.getReturnCode(), "killed by the runner's escalation");
      long elapsed = last(s).getTimestampMs() - killedAt;
      assertTrue(elapsed >= 1000, "SIGKILL before the grace period ended: " + elapsed + " ms");
      // Measured from before the signal was sent: a generous margin over the 1 s grace.
      assertTrue(elapsed <= 1000 + 2000, "SIGKILL long after the grace period: " + elapsed
          + " ms");
      long stopped = Math.round(deaf.getStopTime() * 1000) - killedAt;
      assertTrue(stopped >= 1000 && stopped <= 3000, "deaf stopped " + stopped + " ms after");
      f.assertNoProcessLeft();
    }
  }

  @Test
  void anEscapedTermIgnoringDaemonIsTermedAtCleaningAndKilledAtTheDeadline() throws Exception {
    try (TaskFixture f = new TaskFixture(dir, "daemon")) {
      // spawn double-forks a daemon into a session of its own (it keeps THERMOS_TASK_ID) that
      // notes SIGTERM and ignores it, then exits once the daemon is up.
      Path task = f.writeTask("""
          {"name": "daemon", "finalization_wait": 1, "processes": [{"name": "spawn",
            "cmdline": "setsid bash -c 'trap \\"echo TERM >> daemon.log\\" TERM; echo $$ > daemon.pid.tmp; mv daemon.pid.tmp daemon.pid; while true; do sleep 0.05; done' & while [ ! -s daemon.pid ]; do sleep 0.01; done"}]}""");
      Process runner = f.startRunner(task);
      RunnerState s = f.await("terminal", TaskFixture::terminal);
      int daemon = Integer.parseInt(Files.readString(f.sandbox.resolve("daemon.pid")).trim());
      // The end kills before it records the terminal state: the daemon is already dead.
      assertTrue(RunnerIntegrationTest.zombie(daemon), "daemon " + daemon + " outlived the task");
      assertEquals(0, f.awaitExit(runner), f.runnerLogs());
      assertEquals(TaskState.SUCCESS, last(s).getState());
      assertEquals("TERM\n", Files.readString(f.sandbox.resolve("daemon.log")),
          "one SIGTERM at CLEANING");
      long cleaning = s.getStatusesList().stream()
          .filter(st -> st.getState() == TaskState.CLEANING).findFirst().orElseThrow()
          .getTimestampMs();
      long lingered = last(s).getTimestampMs() - cleaning;
      assertTrue(lingered >= 1000 && lingered <= 3000,
          "killed at the 1 s finalization deadline, not before nor long after: " + lingered);
      f.assertNoProcessLeft();
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      return "";
    }
  }

  @Test
  void runnerKilledMidTaskIsResumedAndRecoversExits() throws Exception {
    try (TaskFixture f = new TaskFixture(dir, "crash")) {
      Path task = f.writeTask("""
          {"name": "crash", "processes": [
            {"name": "worker", "cmdline": "while [ ! -e go ]; do sleep 0.02; done; exit 7"},
            {"name": "next", "cmdline": "echo next ran > next.out"}],
           "constraints": [{"order": ["worker", "next"]}], "max_failures": 0}""");
      Process first = f.startRunner(task);
      f.await("worker running", s -> running(s, "worker"));
      first.destroyForcibly();
      first.waitFor();
      // The worker ends while no runner is alive: its coordinator records the exit.
      Files.writeString(f.sandbox.resolve("go"), "");
      Path exitRecord = f.paths.processCheckpoint("crash", "worker");
      f.awaitCondition("the coordinator's exit record", () -> read(exitRecord).contains(" EXIT "));
      Process second = f.startRunner(task);
      RunnerState s = f.await("terminal", TaskFixture::terminal);
      assertEquals(0, f.awaitExit(second), f.runnerLogs());
      ProcessStatus worker = s.getProcessesMap().get("worker").getRuns(0);
      assertEquals(ProcessState.FAILED, worker.getState(), "exit recovered, not LOST");
      assertEquals(7, worker.getReturnCode());
      assertEquals(List.of(TaskState.ACTIVE, TaskState.ACTIVE, TaskState.CLEANING,
          TaskState.FINALIZING, TaskState.FAILED),
          s.getStatusesList().stream().map(TaskStatus::getState).toList(),
          "each runner announces itself; the failed predecessor deadlocks `next`");
      assertTrue(s.getStatuses(1).getRunnerPid() != s.getStatuses(0).getRunnerPid());
      assertEquals(List.of(), s.getProcessesMap().keySet().stream()
          .filter(p -> p.equals("next")).toList(), "next never ran");
      f.assertNoProcessLeft();
    }
  }

  @Test
  void forceTakesTheTaskFromALiveRunner() throws Exception {
    try (TaskFixture f = new TaskFixture(dir, "force")) {
      Path task = f.writeTask("""
          {"name": "force", "processes": [
            {"name": "wait", "cmdline": "while [ ! -e go ]; do sleep 0.02; done"}]}""");
      Process first = f.startRunner(task);
      f.await("wait running", s -> running(s, "wait"));
      Process second = f.startRunner(task, "--force");
      f.await("second runner announced",
          s -> last(s).getRunnerPid() == second.pid());
      first.waitFor();
      assertEquals(137, first.exitValue(), "the old runner was SIGKILLed");
      Files.writeString(f.sandbox.resolve("go"), "");
      RunnerState s = f.await("terminal", TaskFixture::terminal);
      assertEquals(0, f.awaitExit(second), f.runnerLogs());
      assertEquals(TaskState.SUCCESS, last(s).getState());
      assertEquals(List.of(ProcessState.SUCCESS),
          s.getProcessesMap().get("wait").getRunsList().stream().map(ProcessStatus::getState)
              .toList());
      f.assertNoProcessLeft();
    }
  }
}
