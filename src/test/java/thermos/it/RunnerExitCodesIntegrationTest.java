package thermos.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import thermos.cli.ThermosCli;
import thermos.proto.ProcessState;

/**
 * Every runner exit code (DESIGN.md §4) reached by its cause, and every bad input of issue 3,
 * end to end through a runner JVM: the documented exit code, one line on stderr naming the
 * problem (no stack trace), and nothing written or changed under the root — compared file by
 * file, bytes included, before and after.
 */
@Tag("integration")
class RunnerExitCodesIntegrationTest {
  @TempDir Path dir;

  private static final String OK_PROCESS = "{\"name\": \"a\", \"cmdline\": \"true\"}";

  private static String task(String processes) {
    return "{\"name\": \"t\", \"processes\": [" + processes + "]}";
  }

  static Stream<Arguments> badTasks() {
    return Stream.of(
        Arguments.of("malformed JSON", "{\"name\": \"t\", \"processes\": [", 102, "JSON"),
        Arguments.of("unknown key", task("{\"name\": \"a\", \"cmdline\": \"true\", "
            + "\"colour\": 1}"), 102, "colour"),
        Arguments.of("missing cmdline", task("{\"name\": \"a\"}"), 102, "cmdline"),
        Arguments.of("missing name", task("{\"cmdline\": \"true\"}"), 102, "name"),
        Arguments.of("name with /", task("{\"name\": \"a/b\", \"cmdline\": \"true\"}"), 102,
            "\"a/b\""),
        Arguments.of("name with a leading .", task("{\"name\": \".a\", \"cmdline\": \"true\"}"),
            102, "\".a\""),
        Arguments.of("duplicate names", task(OK_PROCESS + ", " + OK_PROCESS), 102,
            "duplicate process name: \"a\""),
        Arguments.of("cycle", "{\"name\": \"t\", \"processes\": [" + OK_PROCESS
            + ", {\"name\": \"b\", \"cmdline\": \"true\"}], \"constraints\": ["
            + "{\"order\": [\"a\", \"b\"]}, {\"order\": [\"b\", \"a\"]}]}", 102, "Cycles"),
        Arguments.of("successor of a daemon", "{\"name\": \"t\", \"processes\": ["
            + "{\"name\": \"d\", \"cmdline\": \"true\", \"daemon\": true}, " + OK_PROCESS
            + "], \"constraints\": [{\"order\": [\"d\", \"a\"]}]}", 102,
            "may not depend upon daemon process d"),
        Arguments.of("regular successor of an ephemeral", "{\"name\": \"t\", \"processes\": ["
            + "{\"name\": \"e\", \"cmdline\": \"true\", \"ephemeral\": true}, " + OK_PROCESS
            + "], \"constraints\": [{\"order\": [\"e\", \"a\"]}]}", 102,
            "may not depend upon ephemeral process e"),
        Arguments.of("unbound port", task("{\"name\": \"a\", \"cmdline\": "
            + "\"serve {{thermos.ports[http]}}\"}"), 101, "unbound port http"),
        Arguments.of("malformed port reference", task("{\"name\": \"a\", \"cmdline\": "
            + "\"serve {{thermos.ports.http}}\"}"), 102, "thermos.ports.http"),
        Arguments.of("negative task number", "{\"name\": \"t\", \"max_concurrency\": -1, "
            + "\"processes\": [" + OK_PROCESS + "]}", 102, "max_concurrency"),
        Arguments.of("negative process number", task("{\"name\": \"a\", \"cmdline\": \"true\", "
            + "\"min_duration\": -5}"), 102, "min_duration"));
  }

  @Test
  void zeroWhenTheTaskReachesATerminalState() throws Exception {
    try (TaskFixture f = new TaskFixture(dir, "t")) {
      Process p = f.startRunner(f.writeTask(task("{\"name\": \"fail\", \"cmdline\": "
          + "\"exit 1\"}")));
      assertEquals(0, f.awaitExit(p), "a FAILED task is still a terminal state reached");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badTasks")
  void aBadTaskIsRefusedWithNothingWritten(String what, String json, int code, String names)
      throws Exception {
    try (TaskFixture f = new TaskFixture(dir, "t")) {
      Path task = f.writeTask(json);
      Map<String, String> before = snapshot(f.root);
      Run r = runner(f, List.of(), task);
      assertRefused(r, code, names);
      assertEquals(before, snapshot(f.root), "the root changed");
      assertFalse(Files.exists(f.sandbox), "sandbox created");
    }
  }

  @Test
  void aBadTaskIdIsRefused() throws Exception {
    try (TaskFixture f = new TaskFixture(dir, "t")) {
      Path task = f.writeTask(task(OK_PROCESS));
      List<String> cmd = new ArrayList<>(f.runnerCommand(task));
      cmd.set(cmd.indexOf("--task-id") + 1, ".hidden");
      Run r = run(f, cmd);
      assertRefused(r, 102, ".hidden");
      assertEquals(Map.of(), snapshot(f.root));
    }
  }

  @Test
  void aSandboxThatCannotBeCreated() throws Exception {
    try (TaskFixture f = new TaskFixture(dir, "t")) {
      Path task = f.writeTask(task(OK_PROCESS));
      Files.writeString(f.sandbox, "a file where the sandbox should be");
      Map<String, String> before = snapshot(f.root);
      assertRefused(runner(f, List.of(), task), 103, "cannot create sandbox " + f.sandbox);
      assertEquals(before, snapshot(f.root), "what opening the log created is gone again");
      assertEquals("a file where the sandbox should be", Files.readString(f.sandbox));
    }
  }

  @Test
  void anUnknownUser() throws Exception {
    try (TaskFixture f = new TaskFixture(dir, "t")) {
      Path task = f.writeTask(task(OK_PROCESS));
      // The JVM reports a uid without a passwd entry as user.name "?".
      assertRefused(runner(f, List.of("-Duser.name=?"), task), 104, "unknown user");
      assertEquals(Map.of(), snapshot(f.root));
    }
  }

  @Test
  void aCheckpointLockedByALiveRunner() throws Exception {
    try (TaskFixture f = new TaskFixture(dir, "t")) {
      Path task = f.writeTask(task("{\"name\": \"wait\", \"cmdline\": \"sleep 1000\"}"));
      Process first = f.startRunner(task);
      f.await("running", s -> s.getProcessesMap().containsKey("wait")
          && s.getProcessesMap().get("wait").getRuns(0).getState() == ProcessState.RUNNING);
      Map<String, String> before = snapshot(f.root);
      assertRefused(runner(f, List.of(), task), 103, "locked");
      assertEquals(before, snapshot(f.root), "the log (and all else) is unchanged");
      assertTrue(first.isAlive(), "the lock holder is untouched");
    }
  }

  @Test
  void aFinishedTaskIdReused() throws Exception {
    try (TaskFixture f = new TaskFixture(dir, "t")) {
      Path task = f.writeTask(task(OK_PROCESS));
      assertEquals(0, f.awaitExit(f.startRunner(task)));
      Map<String, String> before = snapshot(f.root);
      assertRefused(runner(f, List.of(), task), 105, "already");
      assertSame(before, snapshot(f.root));
      // Also with the log gone but the finished sentinel there.
      Files.delete(f.paths.runnerCheckpoint("t"));
      before = snapshot(f.root);
      assertRefused(runner(f, List.of(), task), 105, "task ids are not reused");
      assertSame(before, snapshot(f.root));
    }
  }

  @Test
  void runDoesNotCreateItsDefaultSandboxForAFinishedTaskId() throws Exception {
    Path root = dir.resolve("root");
    Path task = dir.resolve("t.json");
    Files.writeString(task, task(OK_PROCESS));
    assertEquals(0, cli("run", "--root", root.toString(), "--task-id", "t1", task.toString()));
    Path sandbox = root.resolve("sandbox/t1");
    deleteTree(sandbox);
    Map<String, String> before = snapshot(root);
    assertEquals(105, cli("run", "--root", root.toString(), "--task-id", "t1",
        task.toString()));
    assertEquals(before, snapshot(root), "ROOT/sandbox/t1 is created only once the log is ours");
  }

  // ---- helpers ----

  private record Run(int code, String stdout, String stderr) {}

  private Run runner(TaskFixture f, List<String> jvmArgs, Path task) throws Exception {
    return run(f, f.runnerCommand(jvmArgs, task));
  }

  /** A runner JVM with stdout and stderr kept apart. */
  private Run run(TaskFixture f, List<String> cmd) throws Exception {
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
        .start();
    if (!p.waitFor(TaskFixture.DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("runner did not exit");
    }
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static void assertRefused(Run r, int code, String names) {
    assertEquals(code, r.code(), r.toString());
    List<String> lines = r.stderr().lines().filter(l -> !l.isBlank()).toList();
    assertEquals(1, lines.size(), "one line on stderr: " + r.stderr());
    assertTrue(lines.get(0).contains("ERROR"), lines.get(0));
    assertTrue(lines.get(0).contains(names), "the message names the problem ('" + names
        + "'): " + lines.get(0));
    assertFalse(r.stderr().contains("\tat ") || r.stderr().contains("Exception"), r.stderr());
  }

  /** Equal snapshots, or the paths that differ. */
  private static void assertSame(Map<String, String> before, Map<String, String> after) {
    java.util.Set<String> differ = new java.util.TreeSet<>(before.keySet());
    differ.addAll(after.keySet());
    differ.removeIf(k -> java.util.Objects.equals(before.get(k), after.get(k)));
    assertEquals(java.util.Set.of(), differ, "changed under the root");
  }

  private static int cli(String... args) {
    return ThermosCli.run(args, new PrintWriter(new StringWriter(), true),
        new PrintWriter(new StringWriter(), true));
  }

  /** Every path under {@code root} with its bytes (directories as "dir"); empty if none. */
  static Map<String, String> snapshot(Path root) throws IOException {
    Map<String, String> files = new TreeMap<>();
    if (!Files.exists(root)) {
      return files;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.toList()) {
        String rel = root.relativize(p).toString();
        files.put(rel, Files.isDirectory(p) ? "dir"
            : new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
      }
    }
    return files;
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> all = Files.walk(p)) {
      for (Path x : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }
}
