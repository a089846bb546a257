package thermos.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.config.Fixtures;
import thermos.config.ProcessConfig;
import thermos.config.TaskConfig;
import thermos.config.TaskLoader;

class InspectCommandTest {
  @TempDir Path dir;

  private record Result(int code, String out, String err) {}

  private static Result inspect(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 1];
    all[0] = "inspect";
    System.arraycopy(args, 0, all, 1, args.length);
    int code = ThermosCli.run(all, new PrintWriter(out), new PrintWriter(err));
    return new Result(code, out.toString(), err.toString());
  }

  private Path write(String json) throws IOException {
    Path file = dir.resolve("task.json");
    Files.writeString(file, json);
    return file;
  }

  private static TaskConfig printed(Result r) throws Exception {
    assertEquals(0, r.code(), r.err());
    return TaskLoader.parse(r.out(), "output");
  }

  @Test
  void printsTheInterpolatedTaskWithEveryDefault() throws Exception {
    String ports = Fixtures.task("finished", "ports").toString();
    Result r = inspect("--port", "hello:1234", "--port=world:80", "--task-id", "echo-1",
        "--user", "bob", ports);
    TaskConfig t = printed(r);
    assertEquals("echo 1234 80", t.processes().get(0).cmdline());
    assertEquals("bob", t.user());
    assertTrue(r.out().contains("\"min_duration\": 5"), r.out());
    assertTrue(r.out().contains("\"daemon\": false"), r.out());
    assertEquals("", r.err());
  }

  @Test
  void defaultTaskIdIsNameDashTimestampAndUserIsTheCurrentOne() throws Exception {
    Path file = write("{\"processes\": [{\"name\": \"web\","
        + " \"cmdline\": \"{{thermos.task_id}} {{thermos.user}}\"}]}");
    TaskConfig t = printed(inspect(file.toString()));
    assertEquals("web", t.name());
    String[] words = t.processes().get(0).cmdline().split(" ");
    assertTrue(words[0].matches("web-\\d{8}-\\d{6}\\.\\d{6}"), words[0]);
    assertEquals(System.getProperty("user.name"), words[1]);
  }

  @Test
  void unboundPortsAreReportedAndLeftInPlace() throws Exception {
    Result r = inspect("--port", "hello:1", Fixtures.task("finished", "ports").toString());
    assertEquals("echo 1 {{thermos.ports[world]}}", printed(r).processes().get(0).cmdline());
    assertEquals("thermos inspect: note: Task requires unbound port world (left unbound above;"
        + " bind with --port NAME:PORT)", r.err().strip());
  }

  @Test
  void aMalformedPortIsAUsageErrorNamingTheValue() {
    String task = Fixtures.task("finished", "ports").toString();
    for (String bad : List.of("hello", "hello:", ":80", "a:b:1", "hello:http", "hello:-1")) {
      Result r = inspect("--port", bad, task);
      assertEquals(ExitCodes.USAGE, r.code(), bad);
      assertTrue(r.err().contains("'" + bad + "' is not NAME:PORT"), r.err());
      assertEquals("", r.out());
    }
    Result tooBig = inspect("--port", "hello:70000", task);
    assertEquals(ExitCodes.USAGE, tooBig.code());
    assertTrue(tooBig.err().contains("'hello:70000': port must be 1-65535"), tooBig.err());
  }

  @Test
  void aPortGivenTwiceIsAUsageError() {
    Result r = inspect("--port", "hello:1", "--port", "hello:2",
        Fixtures.task("finished", "ports").toString());
    assertEquals(ExitCodes.USAGE, r.code());
    assertTrue(r.err().contains("port hello given twice"), r.err());
  }

  @Test
  void anUnusableTaskIdIsAUsageError() {
    Result r = inspect("--task-id", "a/b", Fixtures.task("finished", "hello_world").toString());
    assertEquals(ExitCodes.USAGE, r.code());
    assertTrue(r.err().contains("invalid task id 'a/b'"), r.err());
  }

  @Test
  void aMissingFileIsNotFound() {
    Path missing = dir.resolve("nope.json");
    Result r = inspect(missing.toString());
    assertEquals(ExitCodes.NOT_FOUND, r.code());
    assertEquals("thermos inspect: error: no such task file: " + missing, r.err().strip());
  }

  @Test
  void anInvalidTaskExits102NamingTheField() throws Exception {
    Path file = write("{\"processes\": [{\"name\": \"a\", \"cmdline\": \"x\", \"foo\": 1}]}");
    Result r = inspect(file.toString());
    assertEquals(ExitCodes.INVALID_TASK, r.code());
    assertTrue(r.err().startsWith("thermos inspect: error: invalid task: " + file
        + ": unknown key processes[0].foo"), r.err());
    assertEquals("", r.out());
  }

  @Test
  void aTaskFailingValidationExits102() throws Exception {
    Path file = write("{\"processes\": [{\"name\": \"a\", \"cmdline\": \"x\"},"
        + " {\"name\": \"a\", \"cmdline\": \"y\"}]}");
    Result r = inspect(file.toString());
    assertEquals(ExitCodes.INVALID_TASK, r.code());
    assertTrue(r.err().contains("Task has duplicate process name: \"a\""), r.err());
  }

  @Test
  void twentyTwelveBooleansArePrintedAsBooleans() throws Exception {
    Result r = inspect("--user", "u", Fixtures.task("active", "sleep60-lost").toString());
    TaskConfig t = printed(r);
    assertEquals(List.of(ProcessConfig.of("sleep", "sleep 60; echo hello world")), t.processes());
    assertTrue(!r.out().contains("\"daemon\": 0") && r.out().contains("\"daemon\": false"));
    assertTrue(!r.out().contains("min_successes") && !r.out().contains("best_effort"));
  }

  @Test
  void helpListsTheOptions() {
    Result r = inspect("--help");
    assertEquals(0, r.code());
    for (String option : List.of("--port=NAME:PORT", "--task-id=ID", "--user=USER", "TASK_JSON")) {
      assertTrue(r.out().contains(option), r.out());
    }
  }
}
