package thermos.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.ckpt.TaskPath;
import thermos.ckpt.golden.Scenarios;
import thermos.proto.TaskSummary;

/** {@code thermos status} over a root built from the golden logs. */
class StatusCommandTest {
  @TempDir Path tmp;
  private Path root;

  @BeforeEach
  void setUp() throws IOException {
    root = Cli.goldenRoot(tmp.resolve("root"));
  }

  private static List<TaskSummary> parse(String json) throws IOException {
    List<TaskSummary> tasks = new ArrayList<>();
    for (JsonElement e : JsonParser.parseString(json).getAsJsonArray()) {
      TaskSummary.Builder b = TaskSummary.newBuilder();
      JsonFormat.parser().merge(e.toString(), b);
      tasks.add(b.build());
    }
    return tasks;
  }

  private static Map<String, TaskSummary> byId(List<TaskSummary> tasks) {
    Map<String, TaskSummary> m = new TreeMap<>();
    tasks.forEach(t -> m.put(t.getTaskId(), t));
    return m;
  }

  @Test
  void jsonListsEveryTaskWithItsStateAndProcesses() throws IOException {
    Cli.Result r = Cli.run("status", "--root", root.toString(), "--json");
    assertEquals(0, r.code(), r::toString);
    List<TaskSummary> tasks = parse(r.out());
    assertEquals(List.of("active_running", "daemon", "failure_retries", "header_late",
        "helper_kill", "kill", "kill_deadline", "launch_failure", "lose", "loss_retries",
        "success", "takeover"),
        tasks.stream().map(TaskSummary::getTaskId).toList(), "active first, each sorted");
    Map<String, String> states = new TreeMap<>();
    tasks.forEach(t -> states.put(t.getTaskId(), t.getState()));
    assertEquals(Map.ofEntries(Map.entry("active_running", "ACTIVE"), Map.entry("daemon", "ACTIVE"),
        Map.entry("failure_retries", "FAILED"), Map.entry("header_late", "SUCCESS"),
        Map.entry("helper_kill", "KILLED"), Map.entry("kill", "KILLED"),
        Map.entry("kill_deadline", "KILLED"), Map.entry("launch_failure", "SUCCESS"),
        Map.entry("lose", "LOST"), Map.entry("loss_retries", "SUCCESS"),
        Map.entry("success", "SUCCESS"), Map.entry("takeover", "SUCCESS")), states);
    assertEquals("WAITING", byId(tasks).get("helper_kill").getProcessesOrThrow("client")
        .getState());
    Map<String, TaskSummary> m = byId(tasks);
    assertTrue(m.get("daemon").getActive());
    assertFalse(m.get("kill").getActive());
    assertEquals(4, m.get("daemon").getProcessesOrThrow("server").getRuns());
    assertEquals("RUNNING", m.get("daemon").getProcessesOrThrow("server").getState());
    assertEquals(3, m.get("failure_retries").getProcessesOrThrow("broken").getRuns());
    assertEquals(127, m.get("failure_retries").getProcessesOrThrow("broken").getReturnCode());
    assertEquals(-15, m.get("kill").getProcessesOrThrow("web").getReturnCode());
    assertEquals(Map.of("http", 31337L, "admin", 31338L, "health", 31339L),
        m.get("active_running").getPortsMap());
    assertEquals("www-data", m.get("success").getUser());
    assertEquals("thermos-jvm", m.get("success").getCheckpointFormat());
    assertFalse(m.get("success").hasProblem());
    assertTrue(r.out().contains("\"active\": true"), r.out());
  }

  @Test
  void everyJsonObjectSaysWhetherTheTaskIsActiveFalseIncluded() {
    Cli.Result r = Cli.run("status", "--root", root.toString(), "--json", "kill", "daemon");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().contains("\"active\": false"), r.out());
    assertTrue(r.out().contains("\"active\": true"), r.out());
    for (JsonElement e : JsonParser.parseString(r.out()).getAsJsonArray()) {
      var o = e.getAsJsonObject();
      assertTrue(o.has("active"), o::toString);
      assertEquals(o.get("task_id").getAsString().equals("daemon"), o.get("active").getAsBoolean(),
          o::toString);
    }
  }

  @Test
  void humanOutputGroupsActiveAndFinishedTasks() {
    Cli.Result r = Cli.run("status", "--root", root.toString());
    assertEquals(0, r.code(), r::toString);
    String out = r.out();
    int finished = out.indexOf("Finished tasks:");
    assertTrue(out.startsWith("Active tasks:"), out);
    assertTrue(out.indexOf("daemon") < finished && out.indexOf("active_running") < finished);
    assertTrue(out.indexOf("kill") > finished, out);
    assertTrue(out.contains("state: KILLED"), out);
    assertFalse(out.contains("runs:"), "process lines only with -v");
    assertEquals(Scenarios.all().size(),
        out.lines().filter(l -> l.endsWith("  format: thermos-jvm")).count(),
        "every row names the checkpoint format, without -v");
    Cli.Result v = Cli.run("status", "--root", root.toString(), "-v");
    assertTrue(v.out().contains("- server runs: 4 last: pid=4508, rc=-, finish:-, state:RUNNING"),
        v.out());
    assertTrue(v.out().contains("ports: http->31000"), v.out());
  }

  @Test
  void regexesSelectTasksByPrefix() throws IOException {
    Cli.Result one = Cli.run("status", "--root", root.toString(), "--json", "kill$");
    assertEquals(List.of("kill"), parse(one.out()).stream().map(TaskSummary::getTaskId).toList());
    Cli.Result two = Cli.run("status", "--root", root.toString(), "--json", "k.*", "los");
    assertEquals(List.of("kill", "kill_deadline", "lose", "loss_retries"),
        parse(two.out()).stream().map(TaskSummary::getTaskId).toList());
    Cli.Result none = Cli.run("status", "--root", root.toString(), "ill");
    assertEquals(ExitCodes.NOT_OK, none.code(), "regexes match at the start of the id");
    assertTrue(none.out().contains("No tasks found."), none.out());
    Cli.Result noneJson = Cli.run("status", "--root", root.toString(), "--json", "zzz");
    assertEquals(ExitCodes.NOT_OK, noneJson.code());
    assertEquals("[]\n", noneJson.out());
  }

  @Test
  void aMissingRootIsNotFoundOnStderrInBothModes() throws IOException {
    Path missing = tmp.resolve("no-root");
    for (String[] args : new String[][] {{"status", "--root", missing.toString()},
        {"status", "--root", missing.toString(), "--json"}}) {
      Cli.Result r = Cli.run(args);
      assertEquals(ExitCodes.NOT_FOUND, r.code(), r::toString);
      assertEquals("", r.out(), "no [] and no table");
      assertEquals("thermos status: error: checkpoint root " + missing + " does not exist\n",
          r.err());
    }
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    Cli.Result r = Cli.run("status", "--root", file.toString());
    assertEquals(ExitCodes.NOT_FOUND, r.code(), r::toString);
    assertTrue(r.err().contains(file + " is not a directory"), r.err());
  }

  @Test
  void anExistingRootWithNoTasksIsNothingMatched() throws IOException {
    Path empty = Files.createDirectories(tmp.resolve("empty-root"));
    Cli.Result r = Cli.run("status", "--root", empty.toString());
    assertEquals(ExitCodes.NOT_OK, r.code(), r::toString);
    assertEquals("No tasks found.\n", r.out());
    Cli.Result json = Cli.run("status", "--root", empty.toString(), "--json");
    assertEquals(ExitCodes.NOT_OK, json.code(), json::toString);
    assertEquals("[]\n", json.out());
  }

  @Test
  void tasksWithoutOrWithBrokenCheckpointsAreListedWithTheProblem() throws IOException {
    TaskPath paths = new TaskPath(root);
    Files.writeString(paths.activeTaskFile("orphan"), "{}");
    Files.writeString(paths.activeTaskFile("broken"), "{}");
    Files.createDirectories(paths.checkpointDir("broken"));
    byte[] bytes = Files.readAllBytes(Cli.golden("success"));
    bytes[bytes.length - 5] ^= 0x40;
    Files.write(paths.runnerCheckpoint("broken"), bytes);

    Cli.Result r = Cli.run("status", "--root", root.toString(), "--json", "orphan", "broken");
    assertEquals(0, r.code(), r::toString);
    Map<String, TaskSummary> m = byId(parse(r.out()));
    assertEquals("UNKNOWN", m.get("orphan").getState());
    assertTrue(m.get("orphan").getProblem().contains("no checkpoint"), m.get("orphan")
        .getProblem());
    assertEquals("FINALIZING", m.get("broken").getState(), "the state before the bad record");
    assertTrue(m.get("broken").getProblem().contains("byte offset"), m.get("broken")
        .getProblem());
    Cli.Result human = Cli.run("status", "--root", root.toString(), "broken");
    assertTrue(human.out().contains("! corrupt checkpoint"), human.out());
  }
}
