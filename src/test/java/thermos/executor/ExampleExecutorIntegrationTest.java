package thermos.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.ckpt.LogReplay;
import thermos.ckpt.TaskPath;
import thermos.proto.TaskState;

/** The example executor as a user runs it: its own JVM, stopped by stdin or SIGTERM. */
@Tag("integration")
class ExampleExecutorIntegrationTest {
  @TempDir Path root;

  private Process launch(String taskJson, String id, String... extra) throws Exception {
    Path file = root.resolve(id + ".json");
    Files.writeString(file, taskJson);
    List<String> cmd = new ArrayList<>(List.of(java(), "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC", "-cp", LiveTasks.jar().toString(), "thermos.executor.ExampleExecutor",
        "--task-json", file.toString(), "--root", root.toString(), "--task-id", id,
        "--preemption-wait", "1", "--stop-timeout", "10", "--jar", LiveTasks.jar().toString()));
    cmd.addAll(List.of(extra));
    return new ProcessBuilder(cmd).redirectError(root.resolve(id + ".stderr").toFile()).start();
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static BufferedReader stdout(Process p) {
    return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
  }

  /** Reads stdout lines until one starts with {@code prefix}; returns all read. */
  private static List<String> readUntil(BufferedReader out, String prefix) throws Exception {
    List<String> lines = new ArrayList<>();
    String line;
    while ((line = out.readLine()) != null) {
      lines.add(line);
      if (line.startsWith(prefix)) {
        return lines;
      }
    }
    throw new AssertionError("no line starting with " + prefix + " in " + lines);
  }

  private static void sigterm(Process p) throws Exception {
    // Not Process.destroy(): that would also close the streams we still read.
    assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start()
        .waitFor());
  }

  /** The executor ends with {@code expected}, exit 1, and leaves no runner and no process. */
  private void check(Process p, String id, BufferedReader out, String expected) throws Exception {
    List<String> rest = readUntil(out, "KILLED");
    assertEquals(expected, rest.get(rest.size() - 1));
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "executor exited");
    assertEquals(1, p.exitValue(), "a killed task is not a success");
    Leftovers.awaitGone("the runner of " + id, () -> Leftovers.runnersOf(id),
        LiveTasks.RUNNER_EXIT);
    Leftovers.assertNone(new TaskPath(root), id, Set.of());
  }

  @RepeatedTest(50)
  void stopsOnStdin() throws Exception {
    String id = LiveTasks.newId("example");
    Process p = launch(LiveTasks.SLEEP, id);
    BufferedReader out = stdout(p);
    assertEquals(List.of("STARTING " + id,
        "RUNNING No health-check defined, task is assumed healthy."), readUntil(out, "RUNNING"));
    OutputStream in = p.getOutputStream();
    in.write("stop\n".getBytes(StandardCharsets.UTF_8));
    in.flush();
    check(p, id, out, "KILLED Stopped on request.");
  }

  @RepeatedTest(50)
  void stopsOnSigterm() throws Exception {
    String id = LiveTasks.newId("example");
    Process p = launch(LiveTasks.SLEEP, id);
    BufferedReader out = stdout(p);
    readUntil(out, "RUNNING");
    sigterm(p);
    check(p, id, out, "KILLED Killed by SIGTERM.");
  }

  /**
   * The runner is held at a gate (a FIFO its wrapper reads before it execs the runner JVM), so
   * the start is under way for as long as the test wants: a SIGTERM then must neither kill the
   * executor outright (leaving runner and task behind) nor be lost.
   */
  @RepeatedTest(50)
  void sigtermDuringStartKillsTheTaskDuringInitialization() throws Exception {
    String id = LiveTasks.newId("early");
    Path gate = gatedRunner(id);
    Process p = launch(LiveTasks.SLEEP, id, "--runner-command",
        root.resolve(id + ".runner").toString());
    BufferedReader out = stdout(p);
    assertEquals("STARTING " + id, out.readLine());
    sigterm(p);
    // The kill reaches the runner durably before it is let through its gate.
    LiveTasks.awaitFile(new TaskPath(root).killRequest(id), Duration.ofSeconds(30));
    Files.writeString(gate, "go\n");
    check(p, id, out, "KILLED Task killed during initialization.");
    assertEquals(TaskState.KILLED, LogReplay.replay(new TaskPath(root).runnerCheckpoint(id), false)
        .state().taskState(), "the runner killed the task as it booted");
  }

  @Test
  void stopOnStdinDuringStartKillsTheTaskDuringInitialization() throws Exception {
    String id = LiveTasks.newId("early");
    Path gate = gatedRunner(id);
    Process p = launch(LiveTasks.SLEEP, id, "--runner-command",
        root.resolve(id + ".runner").toString());
    BufferedReader out = stdout(p);
    assertEquals("STARTING " + id, out.readLine());
    OutputStream in = p.getOutputStream();
    in.write("stop\n".getBytes(StandardCharsets.UTF_8));
    in.flush();
    LiveTasks.awaitFile(new TaskPath(root).killRequest(id), Duration.ofSeconds(30));
    Files.writeString(gate, "go\n");
    check(p, id, out, "KILLED Task killed during initialization.");
  }

  /** Writes ROOT/ID.runner, which waits for a line on the returned FIFO, then runs the runner. */
  private Path gatedRunner(String id) throws Exception {
    Path gate = root.resolve(id + ".gate");
    assertEquals(0, new ProcessBuilder("mkfifo", gate.toString()).start().waitFor());
    Path script = root.resolve(id + ".runner");
    Files.writeString(script, "#!/bin/sh\nread line < '" + gate + "'\nexec '" + java()
        + "' -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar '" + LiveTasks.jar().toAbsolutePath()
        + "' \"$@\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return gate;
  }
}
