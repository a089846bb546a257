package thermos.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TaskLoaderTest {
  /** Test JSON is written with single quotes for readability. */
  static String json(String singleQuoted) {
    return singleQuoted.replace('\'', '"');
  }

  static TaskConfig parse(String singleQuoted) throws InvalidTaskException {
    return TaskLoader.parse(json(singleQuoted), "t.json");
  }

  static String error(String singleQuoted) {
    return assertThrows(InvalidTaskException.class, () -> parse(singleQuoted)).getMessage();
  }

  /** A one-process task with extra task fields (each starting with a comma). */
  static String withTask(String fields) {
    return "{'processes': [{'name': 'a', 'cmdline': 'x'}]" + fields + "}";
  }

  /** A one-process task with extra fields on the process. */
  static String withProcess(String fields) {
    return "{'processes': [{'name': 'a', 'cmdline': 'x'" + fields + "}]}";
  }

  @Test
  void minimalTaskTakesEveryDefault() throws Exception {
    TaskConfig t = parse(withTask(""));
    assertEquals("{{processes[0].name}}", t.name());
    assertEquals(List.of(), t.constraints());
    assertNull(t.resources());
    assertEquals(1, t.maxFailures());
    assertEquals(0, t.maxConcurrency());
    assertEquals(30, t.finalizationWaitSecs());
    assertNull(t.user());
    ProcessConfig p = t.processes().get(0);
    assertEquals("a", p.name());
    assertEquals("x", p.cmdline());
    assertNull(p.resources());
    assertEquals(1, p.maxFailures());
    assertFalse(p.daemon());
    assertFalse(p.ephemeral());
    assertEquals(5, p.minDurationSecs());
    assertFalse(p.isFinal());
    assertNull(p.logger());
    assertEquals(TaskConfig.of(TaskConfig.DEFAULT_NAME, List.of(ProcessConfig.of("a", "x")),
        List.of()), t);
  }

  @Test
  void everyFieldIsRead() throws Exception {
    TaskConfig t = parse("{'name': 'web', 'user': 'www',"
        + " 'processes': [{'name': 'a', 'cmdline': 'run a', 'max_failures': 3, 'daemon': true,"
        + "   'ephemeral': true, 'min_duration': 15, 'final': true,"
        + "   'resources': {'cpu': 0.5, 'ram': 1024, 'disk': 2048, 'gpu': 1},"
        + "   'logger': {'destination': 'both', 'mode': 'rotate',"
        + "              'rotate': {'log_size': 10485760, 'backups': 3}}}],"
        + " 'constraints': [{'order': ['a']}],"
        + " 'resources': {'cpu': 2.5, 'ram': 4096, 'disk': 8192, 'gpu': 2},"
        + " 'max_failures': 4, 'max_concurrency': 2, 'finalization_wait': 60}");
    ProcessConfig expected = new ProcessConfig("a", "run a", new Resources(0.5, 1024, 2048, 1),
        3, true, true, 15, true, new LoggerConfig(LoggerConfig.Destination.BOTH,
            LoggerConfig.Mode.ROTATE, new RotatePolicy(10485760, 3)));
    assertEquals(new TaskConfig("web", List.of(expected), List.of(new Constraint(List.of("a"))),
        new Resources(2.5, 4096, 8192, 2), 4, 2, 60, "www"), t);
  }

  @Test
  void loggerAndRotateDefaults() throws Exception {
    assertEquals(LoggerConfig.defaults(),
        parse(withProcess(", 'logger': {}")).processes().get(0).logger());
    LoggerConfig withRotate = parse(withProcess(", 'logger': {'rotate': {}}"))
        .processes().get(0).logger();
    assertEquals(LoggerConfig.Destination.FILE, withRotate.destination());
    assertEquals(LoggerConfig.Mode.STANDARD, withRotate.mode());
    assertEquals(new RotatePolicy(104857600L, 5), withRotate.rotate());
    assertEquals(new RotatePolicy(7, 5),
        parse(withProcess(", 'logger': {'rotate': {'log_size': 7}}")).processes().get(0)
            .logger().rotate());
  }

  @Test
  void resourcesTakeGpuDefaultAndIntegerCpu() throws Exception {
    assertEquals(new Resources(1.0, 2, 3, 0),
        parse(withTask(", 'resources': {'cpu': 1, 'ram': 2, 'disk': 3}")).resources());
  }

  @ParameterizedTest
  @CsvSource({"console,CONSOLE", "none,NONE", "file,FILE", "both,BOTH"})
  void loggerDestinations(String json, LoggerConfig.Destination expected) throws Exception {
    assertEquals(expected, parse(withProcess(", 'logger': {'destination': '" + json + "'}"))
        .processes().get(0).logger().destination());
  }

  @Test
  void enumsAreCaseSensitiveAndNameTheirChoices() {
    assertEquals("t.json: processes[0].logger.destination: expected one of file, console, both,"
        + " none, got \"FILE\"", error(withProcess(", 'logger': {'destination': 'FILE'}")));
    assertEquals("t.json: processes[0].logger.mode: expected one of standard, rotate, got"
        + " \"rotating\"", error(withProcess(", 'logger': {'mode': 'rotating'}")));
  }

  @Test
  void booleansAcceptTrueFalseAndZeroOne() throws Exception {
    ProcessConfig p = parse(withProcess(", 'daemon': 1, 'ephemeral': 0, 'final': true"))
        .processes().get(0);
    assertTrue(p.daemon());
    assertFalse(p.ephemeral());
    assertTrue(p.isFinal());
    p = parse(withProcess(", 'daemon': false, 'ephemeral': 1, 'final': 0")).processes().get(0);
    assertFalse(p.daemon());
    assertTrue(p.ephemeral());
    assertFalse(p.isFinal());
  }

  @ParameterizedTest
  @ValueSource(strings = {"2", "-1", "'true'", "1.0", "[]", "{}"})
  void otherBooleanValuesAreRejected(String value) {
    String message = error(withProcess(", 'daemon': " + value));
    assertTrue(message.startsWith("t.json: processes[0].daemon: expected a boolean (true/false"
        + " or 0/1), got "), message);
  }

  @Test
  void integerFieldErrorsNameTheFieldPath() {
    assertEquals("t.json: processes[1].max_failures: expected an integer, got \"x\"",
        error("{'processes': [{'name': 'a', 'cmdline': 'x'},"
            + " {'name': 'b', 'cmdline': 'y', 'max_failures': 'x'}]}"));
    assertEquals("t.json: max_concurrency: expected an integer, got 1.5",
        error(withTask(", 'max_concurrency': 1.5")));
    assertEquals("t.json: finalization_wait: expected an integer, got true",
        error(withTask(", 'finalization_wait': true")));
    assertEquals("t.json: max_failures: too large: 4294967296 (at most 2147483647)",
        error(withTask(", 'max_failures': 4294967296")));
    assertEquals("t.json: resources.ram: too large: 99999999999999999999",
        error(withTask(", 'resources': {'cpu': 1, 'ram': 99999999999999999999, 'disk': 1}")));
  }

  @Test
  void stringFieldErrorsNameTheFieldPath() {
    assertEquals("t.json: processes[0].cmdline: expected a string, got 5",
        error("{'processes': [{'name': 'a', 'cmdline': 5}]}"));
    assertEquals("t.json: name: expected a string, got a list", error(withTask(", 'name': []")));
    assertEquals("t.json: constraints[0].order[1]: expected a string, got 3",
        error(withTask(", 'constraints': [{'order': ['a', 3]}]")));
    assertEquals("t.json: resources.cpu: expected a number, got \"1\"",
        error(withTask(", 'resources': {'cpu': '1', 'ram': 1, 'disk': 1}")));
  }

  @Test
  void containerTypeErrors() {
    assertEquals("t.json: processes: expected a list, got an object",
        error("{'processes': {}}"));
    assertEquals("t.json: processes[0]: expected an object, got \"a\"",
        error("{'processes': ['a']}"));
    assertEquals("t.json: constraints[0]: expected an object, got a list",
        error(withTask(", 'constraints': [['a']]")));
    assertEquals("t.json: processes[0].logger: expected an object, got \"file\"",
        error(withProcess(", 'logger': 'file'")));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "task | 'max_failures': -1 | max_failures",
      "task | 'max_concurrency': -2 | max_concurrency",
      "task | 'finalization_wait': -30 | finalization_wait",
      "task | 'resources': {'cpu': -1, 'ram': 1, 'disk': 1} | resources.cpu",
      "task | 'resources': {'cpu': 1, 'ram': -1, 'disk': 1} | resources.ram",
      "task | 'resources': {'cpu': 1, 'ram': 1, 'disk': -1} | resources.disk",
      "task | 'resources': {'cpu': 1, 'ram': 1, 'disk': 1, 'gpu': -1} | resources.gpu",
      "process | 'max_failures': -1 | processes[0].max_failures",
      "process | 'min_duration': -5 | processes[0].min_duration",
      "process | 'resources': {'cpu': -0.5, 'ram': 1, 'disk': 1} | processes[0].resources.cpu",
      "process | 'logger': {'rotate': {'log_size': -1}} | processes[0].logger.rotate.log_size",
      "process | 'logger': {'rotate': {'backups': -1}} | processes[0].logger.rotate.backups"})
  void negativeNumbersAreRejectedNamingTheField(String where, String field, String path) {
    String json = where.equals("task") ? withTask(", " + field) : withProcess(", " + field);
    String message = error(json);
    assertTrue(message.startsWith("t.json: " + path + ": must not be negative, got -"), message);
  }

  @Test
  void unknownKeysAreRejectedAtEveryLevel() {
    assertTrue(error(withTask(", 'foo': 1")).startsWith("t.json: unknown key foo (expected one"
        + " of: name, processes, constraints, "));
    assertTrue(error(withProcess(", 'foo': 1"))
        .startsWith("t.json: unknown key processes[0].foo (expected in processes[0] one of:"));
    assertTrue(error(withTask(", 'constraints': [{'order': ['a'], 'foo': 1}]"))
        .startsWith("t.json: unknown key constraints[0].foo"));
    assertTrue(error(withTask(", 'resources': {'cpu': 1, 'ram': 1, 'disk': 1, 'foo': 1}"))
        .startsWith("t.json: unknown key resources.foo"));
    assertTrue(error(withProcess(", 'resources': {'cpu': 1, 'ram': 1, 'disk': 1, 'foo': 1}"))
        .startsWith("t.json: unknown key processes[0].resources.foo"));
    assertTrue(error(withProcess(", 'logger': {'foo': 1}"))
        .startsWith("t.json: unknown key processes[0].logger.foo"));
    assertTrue(error(withProcess(", 'logger': {'rotate': {'size': 1}}"))
        .startsWith("t.json: unknown key processes[0].logger.rotate.size (expected in"
            + " processes[0].logger.rotate one of: log_size, backups)"));
  }

  @Test
  void allUnknownKeysOfAnObjectAreNamedBeforeMissingFields() {
    assertTrue(error("{'processes': [{'name': 'a', 'cmd': 'x', 'deamon': 1}]}")
        .startsWith("t.json: unknown keys processes[0].cmd, processes[0].deamon (expected"));
  }

  @Test
  void missingRequiredFieldsAreNamed() {
    assertEquals("t.json: missing required field processes", error("{'name': 'x'}"));
    assertEquals("t.json: processes[0]: missing required field cmdline",
        error("{'processes': [{'name': 'a'}]}"));
    assertEquals("t.json: processes[1]: missing required field name",
        error("{'processes': [{'name': 'a', 'cmdline': 'x'}, {'cmdline': 'y'}]}"));
    assertEquals("t.json: resources: missing required field disk",
        error(withTask(", 'resources': {'cpu': 1, 'ram': 1}")));
    assertEquals("t.json: processes[0].resources: missing required field cpu",
        error(withProcess(", 'resources': {'ram': 1, 'disk': 1}")));
    assertEquals("t.json: constraints[0]: missing required field order",
        error(withTask(", 'constraints': [{}]")));
  }

  @Test
  void nullCountsAsAbsent() throws Exception {
    TaskConfig t = parse("{'processes': [{'name': 'a', 'cmdline': 'x', 'logger': null,"
        + " 'max_failures': null}], 'user': null, 'max_concurrency': null}");
    assertEquals(parse(withTask("")), t);
    assertEquals("t.json: processes[0]: missing required field cmdline",
        error("{'processes': [{'name': 'a', 'cmdline': null}]}"));
  }

  @Test
  void legacy2012FieldsLoadAndAreTypeChecked() throws Exception {
    assertEquals(parse(withTask(", 'resources': {'cpu': 1, 'ram': 1, 'disk': 1}")),
        parse(withTask(", 'min_successes': 0,"
            + " 'resources': {'cpu': 1, 'ram': 1, 'disk': 1, 'best_effort': 0}")));
    assertEquals("t.json: min_successes: expected an integer, got \"x\"",
        error(withTask(", 'min_successes': 'x'")));
  }

  @Test
  void malformedJsonIsOneLineWithLineAndColumn() {
    String message = error("{\n  'processes': [\n    {'name': 'a',, 'cmdline': 'x'}\n  ]\n}");
    assertTrue(message.startsWith("t.json: malformed JSON at line 3, column "), message);
    assertFalse(message.contains("\n"), message);
    assertFalse(message.contains("REDACTED"), message);
    String truncated = error("{'processes': [");
    assertTrue(truncated.startsWith("t.json: malformed JSON at line 1, column "), truncated);
    assertFalse(truncated.contains("\n"), truncated);
  }

  @Test
  void trailingContentAndDuplicateKeysAreMalformed() {
    assertTrue(error(withTask("") + " {}").startsWith("t.json: malformed JSON at line 1"));
    String dup = error("{'processes': [{'name': 'a', 'name': 'b', 'cmdline': 'x'}]}");
    assertTrue(dup.startsWith("t.json: malformed JSON at line 1, column ")
        && dup.contains("Duplicate field 'name'"), dup);
  }

  @Test
  void emptyOrNonObjectDocumentsAreRejected() {
    assertEquals("t.json: empty: expected a task as a JSON object", error(""));
    assertEquals("t.json: empty: expected a task as a JSON object", error("  \n "));
    assertEquals("t.json: expected a task as a JSON object, got a list", error("[]"));
    assertEquals("t.json: expected a task as a JSON object, got 5", error("5"));
  }

  @Test
  void loadReadsAFileAndNamesItInErrors(@TempDir Path dir) throws Exception {
    Path good = dir.resolve("good.json");
    Files.writeString(good, json(withTask(", 'name': 'n'")));
    assertEquals("n", TaskLoader.load(good).name());
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, json(withProcess(", 'daemon': 'yes'")));
    String message = assertThrows(InvalidTaskException.class, () -> TaskLoader.load(bad))
        .getMessage();
    assertTrue(message.startsWith(bad + ": processes[0].daemon: expected a boolean"), message);
  }

  @Test
  void loadOfAMissingFileSaysSo(@TempDir Path dir) {
    Path missing = dir.resolve("nope.json");
    NoSuchFileException e =
        assertThrows(NoSuchFileException.class, () -> TaskLoader.load(missing));
    assertEquals(missing.toString(), e.getFile());
    assertTrue(e.getMessage().contains("task JSON file does not exist"), e.getMessage());
  }

  @Test
  void loadOfInvalidUtf8IsMalformed(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("latin1.json");
    Files.write(file, new byte[] {'{', '"', (byte) 0xff, '"', ':', '1', '}'});
    String message = assertThrows(InvalidTaskException.class, () -> TaskLoader.load(file))
        .getMessage();
    assertTrue(message.startsWith(file + ": malformed JSON at line 1"), message);
  }
}
