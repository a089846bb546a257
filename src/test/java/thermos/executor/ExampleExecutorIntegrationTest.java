package thermos.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/** The example executor as a user runs it: its own JVM, stopped by stdin or SIGTERM. */
@Tag("integration")
class ExampleExecutorIntegrationTest {
  @TempDir Path root;

  private Process launch(String taskJson, String id) throws Exception {
    Path file = root.resolve(id + ".json");
    Files.writeString(file, taskJson);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
        LiveTasks.jar().toString(), "thermos.executor.ExampleExecutor", "--task-json",
        file.toString(), "--root", root.toString(), "--task-id", id, "--preemption-wait", "1",
        "--stop-timeout", "10", "--jar", LiveTasks.jar().toString())
        .redirectError(root.resolve(id + ".stderr").toFile()).start();
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

  private void check(Process p, String id, BufferedReader out, String expected) throws Exception {
    List<String> rest = readUntil(out, "KILLED");
    assertEquals(expected, rest.get(rest.size() - 1));
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "executor exited");
    assertEquals(1, p.exitValue(), "a killed task is not a success");
    LiveTasks.await("the processes of " + id + " to be gone", Duration.ofSeconds(10),
        () -> LiveTasks.processesOf(id).isEmpty() && LiveTasks.runnersOf(id).isEmpty());
  }

  @RepeatedTest(10)
  void stopsOnStdin() throws Exception {
    String id = LiveTasks.newId("example");
    Process p = launch(LiveTasks.SLEEP, id);
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
        StandardCharsets.UTF_8));
    assertEquals(List.of("STARTING " + id,
        "RUNNING No health-check defined, task is assumed healthy."), readUntil(out, "RUNNING"));
    OutputStream in = p.getOutputStream();
    in.write("stop\n".getBytes(StandardCharsets.UTF_8));
    in.flush();
    check(p, id, out, "KILLED Stopped on request.");
  }

  @RepeatedTest(10)
  void stopsOnSigterm() throws Exception {
    String id = LiveTasks.newId("example");
    Process p = launch(LiveTasks.SLEEP, id);
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
        StandardCharsets.UTF_8));
    readUntil(out, "RUNNING");
    // SIGTERM (Process.destroy() would also close the streams we still read).
    assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start()
        .waitFor());
    check(p, id, out, "KILLED Killed by SIGTERM.");
  }
}
