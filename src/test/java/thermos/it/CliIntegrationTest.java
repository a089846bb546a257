package thermos.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.ckpt.LogReplay;
import thermos.cli.ThermosCli;
import thermos.proto.ProcessState;
import thermos.proto.RunnerState;
import thermos.proto.TaskState;

/** run, simplerun, kill and tail as a user types them. */
@Tag("integration")
class CliIntegrationTest {
  @TempDir Path dir;

  private record Result(int code, String out, String err) {}

  private Result cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = ThermosCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  private Path root() {
    return dir.resolve("root");
  }

  private Path task(String name, String json) throws Exception {
    Path f = dir.resolve(name + ".json");
    Files.writeString(f, json);
    return f;
  }

  private RunnerState replay(String id) throws Exception {
    return LogReplay.replay(root().resolve("checkpoints").resolve(id).resolve("runner"), false)
        .state().toProto();
  }

  @Test
  void runPrintsTransitionsAndExitsZeroOnSuccess() throws Exception {
    Path t = task("ok", """
        {"name": "ok", "processes": [{"name": "say", "cmdline": "echo hi"}]}""");
    Result r = cli("run", "--root", root().toString(), "--task-id", "ok1", t.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("say RUNNING"), r.out());
    assertTrue(r.out().contains("task ok1 SUCCESS"), r.out());
    assertTrue(r.out().contains("Task ok1 finished: SUCCESS"), r.out());
    assertEquals("hi\n", Files.readString(root().resolve("sandbox/ok1/.logs/say/0/stdout")));
  }

  @Test
  void runExitsOneOnFailureAnd102OnAnInvalidTask() throws Exception {
    Path bad = task("bad", """
        {"name": "bad", "processes": [{"name": "x", "cmdline": "exit 3"}]}""");
    assertEquals(1, cli("run", "--root", root().toString(), "--task-id", "bad1",
        bad.toString()).code());
    Path invalid = task("invalid", """
        {"name": "i", "processes": [{"name": "x"}]}""");
    Result r = cli("run", "--root", root().toString(), "--task-id", "inv", invalid.toString());
    assertEquals(102, r.code());
    assertFalse(Files.exists(root().resolve("checkpoints/inv")), "nothing half-written");
  }

  @Test
  void theReadmesMainJobSucceedsWithItsRetry() throws Exception {
    // README: `./thermos run testdata/tasks/hello_world.json` (here on a temp root).
    Path task = Path.of("testdata/tasks/hello_world.json");
    Result r = cli("run", "--root", root().toString(), "--task-id", "hello", task.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("Task hello finished: SUCCESS"), r.out());
    RunnerState s = replay("hello");
    assertEquals(List.of(ProcessState.SUCCESS), states(s, "fetch"));
    assertEquals(List.of(ProcessState.FAILED, ProcessState.SUCCESS), states(s, "flaky"),
        "flaky fails once and is retried");
    assertEquals(3, s.getProcessesMap().get("flaky").getRuns(0).getReturnCode());
    assertEquals(List.of(ProcessState.SUCCESS), states(s, "count"));
    assertEquals(List.of(ProcessState.SUCCESS), states(s, "cleanup"));
    Path logs = root().resolve("sandbox/hello/.logs");
    assertEquals("fetching hello\n", Files.readString(logs.resolve("fetch/0/stdout")));
    assertEquals("tick 1: 2 lines\ntick 2: 2 lines\ntick 3: 2 lines\n",
        Files.readString(logs.resolve("count/0/stdout")));
    assertFalse(Files.exists(root().resolve("sandbox/hello/payload.txt")), "the finalizer ran");
  }

  private static List<ProcessState> states(RunnerState s, String process) {
    return s.getProcessesMap().get(process).getRunsList().stream()
        .map(thermos.proto.ProcessStatus::getState).toList();
  }

  /** Output that a test can wait on as it grows (tail -f writes from another thread). */
  private static final class GrowingOutput extends java.io.Writer {
    private final StringBuilder text = new StringBuilder();

    @Override
    public synchronized void write(char[] buf, int off, int len) {
      text.append(buf, off, len);
      notifyAll();
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}

    synchronized String text() {
      return text.toString();
    }

    synchronized void await(String what, java.time.Duration timeout)
        throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!text.toString().contains(what)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no '" + what + "' in the output: " + text);
        }
        wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  @Test
  void tailFollowsAGrowingLogAndEndsWithTheRun() throws Exception {
    try (TaskFixture f = new TaskFixture(dir.resolve("tail-f"), "tailf")) {
      Process runner = f.startRunner(f.writeTask("""
          {"name": "tailf", "processes": [{"name": "talk",
            "cmdline": "echo first; while [ ! -e go ]; do sleep 0.02; done; echo second"}]}"""));
      Path stdout = f.sandbox.resolve(".logs/talk/0/stdout");
      f.awaitCondition("the first line", () -> {
        try {
          return Files.exists(stdout) && Files.readString(stdout).contains("first");
        } catch (java.io.IOException e) {
          return false;
        }
      });
      GrowingOutput out = new GrowingOutput();
      int[] code = {-1};
      StringWriter err = new StringWriter();
      Thread tail = new Thread(() -> code[0] = ThermosCli.run(new String[] {"tail", "-f",
          "--root", f.root.toString(), "tailf"}, new PrintWriter(out, true),
          new PrintWriter(err, true)));
      tail.start();
      out.await("first", TaskFixture.DEADLINE);
      assertTrue(tail.isAlive(), "tail -f ended while the run was active: " + out.text());
      Files.writeString(f.sandbox.resolve("go"), "");
      out.await("second", TaskFixture.DEADLINE);
      tail.join(TaskFixture.DEADLINE.toMillis());
      assertFalse(tail.isAlive(), "tail -f still following after the run ended");
      assertEquals(0, code[0]);
      // The header goes to stderr: stdout carries the log only.
      assertTrue(err.toString().contains("Tail of active log"), err.toString());
      assertEquals("first\nsecond\n", out.text());
      assertEquals(0, f.awaitExit(runner), f.runnerLogs());
    }
  }

  @Test
  void simplerunRunsOneCommand() throws Exception {
    Result r = cli("simplerun", "--root", root().toString(), "--task-id", "s1", "--",
        "echo", "simple", "run");
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("Running command: 'echo simple run'"), r.out());
    assertEquals(TaskState.SUCCESS, replay("s1").getStatuses(
        replay("s1").getStatusesCount() - 1).getState());
  }

  @Test
  void killStopsALiveRunnerAndTakesOverADeadOne() throws Exception {
    for (boolean runnerDies : new boolean[] {false, true}) {
      String id = runnerDies ? "orphaned" : "live";
      try (TaskFixture f = new TaskFixture(dir.resolve(id), id)) {
        Path t = f.writeTask("""
            {"name": "k", "processes": [{"name": "long", "cmdline": "sleep 1000"}]}""");
        Process runner = f.startRunner(t);
        f.await("long running", s -> s.getProcessesMap().containsKey("long")
            && s.getProcessesMap().get("long").getRuns(0).getState() == ProcessState.RUNNING);
        if (runnerDies) {
          runner.destroyForcibly();
          runner.waitFor();
        }
        Result r = cli("kill", "--root", f.root.toString(), "--preemption-wait", "1", id);
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("KILLED"), r.out());
        assertEquals(runnerDies, r.out().contains("taken over"), r.out());
        f.assertNoProcessLeft();
        RunnerState s = f.monitor.getState();
        assertEquals(TaskState.KILLED, s.getStatuses(s.getStatusesCount() - 1).getState());
        assertTrue(Files.exists(f.paths.finishedTaskFile(id)));
        Result again = cli("kill", "--root", f.root.toString(), id);
        assertEquals(0, again.code(), "a second kill is harmless");
      }
    }
  }

  @Test
  void controlCKillsARunGracefully() throws Exception {
    try (TaskFixture f = new TaskFixture(dir.resolve("ctrlc"), "ctrlc")) {
      Path t = f.writeTask("""
          {"name": "c", "processes": [{"name": "long", "cmdline": "sleep 1000"},
            {"name": "bye", "cmdline": "echo finalized", "final": true}]}""");
      Process run = f.startCli("run", "--root", f.root.toString(), "--sandbox",
          f.sandbox.toString(), "--task-id", f.taskId, "--preemption-wait", "5", t.toString());
      f.await("long running", s -> s.getProcessesMap().containsKey("long")
          && s.getProcessesMap().get("long").getRuns(0).getState() == ProcessState.RUNNING);
      assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(run.pid())).start()
          .waitFor());
      assertEquals(1, f.awaitExit(run), f.runnerLogs());
      assertTrue(f.runnerLogs().contains("Task ctrlc finished: KILLED"), f.runnerLogs());
      RunnerState s = f.monitor.getState();
      assertEquals(TaskState.KILLED, s.getStatuses(s.getStatusesCount() - 1).getState());
      assertEquals(ProcessState.KILLED, s.getProcessesMap().get("long").getRuns(0).getState());
      assertEquals(ProcessState.SUCCESS, s.getProcessesMap().get("bye").getRuns(0).getState(),
          "the finalizer ran within the grace");
      assertTrue(Files.exists(f.paths.finishedTaskFile(f.taskId)));
      f.assertNoProcessLeft();
    }
  }

  @Test
  void killOfAnUnknownTaskIsNotFound() {
    Result r = cli("kill", "--root", root().toString(), "nope");
    assertEquals(3, r.code());
    assertTrue(r.err().contains("nope"), r.err());
  }

  @Test
  void tailShowsTheLatestRunsLog() throws Exception {
    Path t = task("tail", """
        {"name": "tail", "processes": [
          {"name": "a", "cmdline": "seq 1 20"}, {"name": "b", "cmdline": "echo b >&2"}]}""");
    assertEquals(0, cli("run", "--root", root().toString(), "--task-id", "t1",
        t.toString()).code());
    Result r = cli("tail", "--root", root().toString(), "t1", "a");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().startsWith("Tail of terminal log "), r.err());
    assertTrue(r.err().contains("(checkpoint format: thermos-jvm)"), r.err());
    assertEquals(java.util.stream.IntStream.rangeClosed(11, 20).mapToObj(i -> i + "\n")
        .collect(java.util.stream.Collectors.joining()), r.out(), "stdout: the log's last lines");
    Result both = cli("tail", "--root", root().toString(), "t1");
    assertEquals(2, both.code(), "several processes and none named");
    assertEquals(3, cli("tail", "--root", root().toString(), "missing").code());
  }
}
