package thermos.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.ckpt.LogReplay;
import thermos.ckpt.TaskPath;
import thermos.ckpt.legacy.Fixtures;
import thermos.proto.RunnerState;
import thermos.proto.TaskSummary;

/** The CLI over a real Thermos root: read, status and import. */
class LegacyCliTest {
  @TempDir Path to;

  record Run(int code, String out, String err) {}

  static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = ThermosCli.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  private static String root() {
    return Fixtures.root().toString();
  }

  @Test
  void statusListsEveryLegacyTaskWithItsState() throws IOException {
    Run r = cli("status", "--root", root(), "--json");
    assertEquals(0, r.code(), r.err());
    JsonArray array = JsonParser.parseString(r.out()).getAsJsonArray();
    Map<String, TaskSummary> tasks = new HashMap<>();
    for (JsonElement e : array) {
      TaskSummary.Builder b = TaskSummary.newBuilder();
      JsonFormat.parser().merge(e.toString(), b);
      tasks.put(b.getTaskId(), b.build());
    }
    assertEquals(Map.of("failure", "SUCCESS", "failure_limit", "FAILED", "hello_world", "SUCCESS",
        "ordering", "SUCCESS", "ports", "SUCCESS", "sleep60", "KILLED", "sleep60-lost", "ACTIVE"),
        Map.copyOf(tasks.entrySet().stream().collect(java.util.stream.Collectors.toMap(
            Map.Entry::getKey, e -> e.getValue().getState()))));
    for (TaskSummary t : tasks.values()) {
      assertEquals("thermos-legacy", t.getCheckpointFormat(), t.getTaskId());
      assertFalse(t.hasProblem(), t.getTaskId());
      assertEquals(t.getTaskId().equals("sleep60-lost"), t.getActive(), t.getTaskId());
    }
    assertEquals(3, tasks.get("failure").getProcessesOrThrow("p3").getRuns());
    assertEquals("KILLED", tasks.get("sleep60").getProcessesOrThrow("sleep").getState());
    assertEquals(-1, tasks.get("sleep60").getProcessesOrThrow("sleep").getReturnCode());
    assertEquals(Map.of("hello", 50000L, "world", 50001L), tasks.get("ports").getPortsMap());

    Run human = cli("status", "--root", root(), "-v");
    assertEquals(0, human.code(), human.err());
    assertEquals(Map.of("Active tasks:", Map.of("sleep60-lost", "ACTIVE"),
        "Finished tasks:", Map.of("failure", "SUCCESS", "failure_limit", "FAILED",
            "hello_world", "SUCCESS", "ordering", "SUCCESS", "ports", "SUCCESS",
            "sleep60", "KILLED")), rowsByGroup(human.out()));
    assertTrue(human.out().contains("    - sleep runs: 1 last: pid="), human.out());
  }

  /** A task row of `status`: id, owner, state, start time, and the format read. */
  private static final java.util.regex.Pattern ROW = java.util.regex.Pattern.compile(
      "  (\\S+) +\\[owner: [^\\]]+\\]  state: (\\S+)  start: .+  format: (\\S+)");

  /** group heading -> (task id -> state), every row of the group naming the legacy format. */
  private static Map<String, Map<String, String>> rowsByGroup(String out) {
    Map<String, Map<String, String>> groups = new HashMap<>();
    Map<String, String> current = null;
    for (String line : out.split("\n")) {
      if (line.endsWith("tasks:")) {
        current = new HashMap<>();
        groups.put(line, current);
        continue;
      }
      java.util.regex.Matcher m = ROW.matcher(line);
      if (m.matches()) {
        assertEquals("thermos-legacy", m.group(3), line);
        current.put(m.group(1), m.group(2));
      }
    }
    return groups;
  }

  @Test
  void readNamesTheFormatInHumanOutputOnly() throws IOException {
    Run human = cli("read", "--root", root(), "hello_world");
    assertEquals(0, human.code(), human.err());
    assertTrue(human.out().startsWith("Checkpoint " + Fixtures.runner("hello_world")
        + " (format: thermos-legacy, 7 records)"), human.out());
    assertTrue(human.out().contains("0: pid=43479, rc=0"), human.out());
    Run json = cli("read", "--root", root(), "--json", "hello_world");
    assertEquals(0, json.code());
    assertFalse(json.out().contains("legacy"));
    RunnerState.Builder parsed = RunnerState.newBuilder();
    JsonFormat.parser().merge(json.out(), parsed);
    assertEquals(LogReplay.replay(Fixtures.runner("hello_world"), false).state().toProto(),
        parsed.build());
  }

  private static final String P3_RUN_2 = "p3 pinging\ncurrent count 3\n";

  @Test
  void tailFindsLegacyLogsUnderTheRootsLogsDirectoryAndNamesTheFormat() {
    Run r = cli("tail", "--root", root(), "failure", "p3");
    assertEquals(0, r.code(), r.err());
    assertEquals("Tail of terminal log " + Fixtures.root().resolve("logs/failure/p3/2/stdout")
        + " (checkpoint format: thermos-legacy)\n", r.err(), "the header, on stderr");
    assertEquals(P3_RUN_2, r.out(), "stdout carries the log only");
  }

  @Test
  void tailFindsTheLogsAfterAnImportWithAndWithoutCopyingThem() throws IOException {
    Path linked = to.resolve("linked");
    assertEquals(0, cli("import", "--from", root(), "--to", linked.toString(), "failure").code());
    Run viaLink = cli("tail", "--root", linked.toString(), "failure", "p3");
    assertEquals(0, viaLink.code(), viaLink.err());
    assertEquals("Tail of terminal log " + linked.resolve("logs/failure/p3/2/stdout")
        + " (checkpoint format: thermos-jvm)\n", viaLink.err());
    assertEquals(P3_RUN_2, viaLink.out());
    assertTrue(Files.isSymbolicLink(linked.resolve("logs/failure")), "left where they are");

    Path copied = to.resolve("copied");
    assertEquals(0, cli("import", "--from", root(), "--to", copied.toString(), "--copy-logs",
        "failure").code());
    Run viaCopy = cli("tail", "--root", copied.toString(), "failure", "p3");
    assertEquals(0, viaCopy.code(), viaCopy.err());
    assertEquals(P3_RUN_2, viaCopy.out());
    assertFalse(Files.isSymbolicLink(copied.resolve("logs/failure")));
    assertTrue(Files.isRegularFile(copied.resolve("logs/failure/p3/2/stdout"),
        java.nio.file.LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void importRefusesALogLinkToSomewhereElse() throws IOException {
    Path dest = to.resolve("dest");
    Files.createDirectories(dest.resolve("logs"));
    Files.createSymbolicLink(dest.resolve("logs/hello_world"), to);
    Run r = cli("import", "--from", root(), "--to", dest.toString(), "hello_world");
    assertEquals(ExitCodes.CONFLICT, r.code(), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().startsWith("thermos import: error: task 'hello_world': "
        + dest.resolve("logs/hello_world") + " already links to " + to), r.err());
    assertFalse(Files.exists(new TaskPath(dest).finishedTaskFile("hello_world")));
  }

  @Test
  void coordinatorFilesAreReadable() {
    String p3 = Fixtures.coordinator("failure", "p3").toString();
    Run simple = cli("read", "--simple", p3);
    assertEquals(0, simple.code(), simple.err());
    assertEquals(9, simple.out().lines().filter(l -> l.startsWith("CKPT: process_status")).count());
    Run human = cli("read", p3);
    assertEquals(0, human.code(), human.err());
    assertTrue(human.out().startsWith("Coordinator log " + p3
        + " (format: thermos-legacy, 9 records)"), human.out());
    assertTrue(human.out().contains("the 3 WAITING record(s) that open the runs"));
    assertTrue(human.out().contains("p3   runs: 3"), human.out());
    Run json = cli("read", "--json", p3);
    assertEquals(0, json.code());
    assertTrue(json.out().contains("\"state\": \"FAILED\""));
    assertFalse(json.out().contains("WAITING"));
  }

  @Test
  void importRoundTripsAndIsIdempotent() throws IOException {
    Run first = cli("import", "--from", root(), "--to", to.toString());
    assertEquals(0, first.code(), first.err());
    assertEquals(7, first.out().lines().filter(l -> l.startsWith("imported ")).count());
    assertTrue(first.out().contains("imported sleep60-lost (thermos-legacy, 5 records, active)"));
    TaskPath ours = new TaskPath(to);
    Map<String, byte[]> bytes = new HashMap<>();
    for (String task : Fixtures.TASKS) {
      Run legacy = cli("read", "--json", Fixtures.runner(task).toString());
      Run imported = cli("read", "--json", "--root", to.toString(), task);
      assertEquals(0, imported.code(), imported.err());
      assertEquals(legacy.out(), imported.out(), task);
      assertTrue(cli("read", "--root", to.toString(), task).out()
          .contains("(format: thermos-jvm, "));
      bytes.put(task, Files.readAllBytes(ours.runnerCheckpoint(task)));
    }
    Run second = cli("import", "--from", root(), "--to", to.toString());
    assertEquals(0, second.code(), second.err());
    assertEquals(Fixtures.TASKS.stream().map(t -> "already imported " + t).toList(),
        second.out().lines().toList());
    for (String task : Fixtures.TASKS) {
      assertArrayEquals(bytes.get(task), Files.readAllBytes(ours.runnerCheckpoint(task)), task);
    }
    Run status = cli("status", "--root", to.toString(), "--json");
    assertTrue(status.out().contains("\"checkpoint_format\": \"thermos-jvm\""));
  }

  @Test
  void importRefusesToOverwriteADifferentTask() throws IOException {
    assertEquals(0, cli("import", "--from", root(), "--to", to.toString(), "ports").code());
    Path runner = new TaskPath(to).runnerCheckpoint("ports");
    Files.write(runner, new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
    byte[] before = Files.readAllBytes(runner);
    Run r = cli("import", "--from", root(), "--to", to.toString(), "ports", "hello_world");
    assertEquals(ExitCodes.CONFLICT, r.code());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().startsWith("thermos import: error: task 'ports': "), r.err());
    assertEquals(List.of("imported hello_world (thermos-legacy, 7 records, finished), logs left"
        + " in place, linked at " + to.resolve("logs/hello_world")), r.out().lines().toList());
    assertArrayEquals(before, Files.readAllBytes(runner));
  }

  @Test
  void importUsageErrors() {
    assertEquals(0, cli("import", "--help").code());
    assertEquals(2, cli("import", "--to", to.toString()).code());
    Run missing = cli("import", "--from", to.resolve("nothing").toString(), "--to", to.toString());
    assertEquals(ExitCodes.NOT_FOUND, missing.code());
    Run noTask = cli("import", "--from", root(), "--to", to.toString(), "nope");
    assertEquals(ExitCodes.NOT_FOUND, noTask.code());
    assertTrue(noTask.err().contains("task 'nope' has no runner checkpoint"), noTask.err());
    assertEquals(ExitCodes.USAGE, cli("import", "--from", root(), "--to", root()).code());
    assertEquals(ExitCodes.USAGE,
        cli("import", "--from", root(), "--to", to.toString(), ".hidden").code());
  }

  @Test
  void damagedLegacyLogsGiveTheOffsetNotACrash() throws IOException {
    byte[] bytes = Files.readAllBytes(Fixtures.runner("failure_limit"));
    Path src = to.resolve("src");
    TaskPath paths = new TaskPath(src);
    Files.createDirectories(paths.checkpointDir("failure_limit"));
    Path log = paths.runnerCheckpoint("failure_limit");

    Files.write(log, java.util.Arrays.copyOf(bytes, 400)); // cut inside the record at 389
    Run torn = cli("read", "--root", src.toString(), "failure_limit");
    assertEquals(0, torn.code(), torn.err());
    assertTrue(torn.err().contains("torn tail of 11 byte(s) at byte offset 389"), torn.err());

    bytes[442] = 0x7f; // the length field of the record at 442
    Files.write(log, bytes);
    Run corrupt = cli("read", "--root", src.toString(), "failure_limit");
    assertEquals(ExitCodes.CORRUPT, corrupt.code());
    assertTrue(corrupt.err().contains("at byte offset 442: record length"), corrupt.err());
    assertTrue(corrupt.out().contains("b   runs: 1"), "the valid prefix is shown");
    Run imported = cli("import", "--from", src.toString(), "--to", to.resolve("dst").toString());
    assertEquals(ExitCodes.CORRUPT, imported.code());
    assertTrue(imported.err().contains("at byte offset 442"), imported.err());
    assertFalse(Files.exists(new TaskPath(to.resolve("dst")).checkpointDir("failure_limit")));
  }
}
