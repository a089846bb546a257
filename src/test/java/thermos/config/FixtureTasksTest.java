package thermos.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The 2012 task JSON files that Thermos wrote (0/1 booleans, legacy fields) load and hold. */
class FixtureTasksTest {
  private static final String THERMOS_USER = "{{thermos.user}}";

  private static TaskConfig load(String state, String id) throws Exception {
    return TaskLoader.load(Fixtures.task(state, id));
  }

  /** A 2012 process: only name, cmdline, daemon 0 and max_failures were written. */
  private static ProcessConfig process(String name, String cmdline, int maxFailures) {
    return ProcessConfig.of(name, cmdline).withMaxFailures(maxFailures);
  }

  @Test
  void thereAreSevenTaskFiles() throws IOException {
    Set<String> found = new TreeSet<>();
    for (String state : List.of("active", "finished")) {
      try (Stream<Path> files = Files.list(Fixtures.tasksDir(state))) {
        files.forEach(f -> found.add(state + "/" + f.getFileName()));
      }
    }
    assertEquals(Set.of("active/sleep60-lost", "finished/failure", "finished/failure_limit",
        "finished/hello_world", "finished/ordering", "finished/ports", "finished/sleep60"), found);
  }

  @ParameterizedTest
  @CsvSource({"active,sleep60-lost", "finished,failure", "finished,failure_limit",
      "finished,hello_world", "finished,ordering", "finished,ports", "finished,sleep60"})
  void eachLoadsValidatesAndRoundTrips(String state, String id) throws Exception {
    TaskConfig task = load(state, id);
    TaskValidator.validate(task);
    assertEquals(task, TaskLoader.parse(TaskJson.toJson(task), id));
    assertEquals(THERMOS_USER, task.user());
    assertEquals("bob", Interpolation.bind(task, new ThermosContext("x", Map.of(), "bob")).user());
  }

  @Test
  void helloWorld() throws Exception {
    assertEquals(new TaskConfig("echo", List.of(process("echo", "echo hello world", 1)),
        List.of(), new Resources(0.01, 8388608, 0, 0), 1, 0, 30, THERMOS_USER),
        load("finished", "hello_world"));
  }

  @Test
  void sleep60() throws Exception {
    assertEquals(new TaskConfig("sleep", List.of(process("sleep", "sleep 60; echo hello world", 1)),
        List.of(), new Resources(0.01, 8388608, 0, 0), 1, 0, 30, THERMOS_USER),
        load("finished", "sleep60"));
  }

  @Test
  void sleep60LostDropsItsLegacyFields() throws Exception {
    // min_successes (task) and best_effort (resources) are 2012 fields with no meaning now.
    assertEquals(load("finished", "sleep60"), load("active", "sleep60-lost"));
  }

  @Test
  void ordering() throws Exception {
    assertEquals(new TaskConfig("echo_complex", List.of(
            process("echo_one", "sleep 60; echo hello brian", 1),
            process("echo_two", "sleep 60; echo hello john", 1),
            process("echo_three", "sleep 60; echo hello bill", 1)),
        List.of(new Constraint(List.of("echo_one", "echo_two", "echo_three"))),
        new Resources(0.1, 1048576, 1048576, 0), 1, 0, 30, THERMOS_USER),
        load("finished", "ordering"));
  }

  @Test
  void failureLimit() throws Exception {
    TaskConfig t = load("finished", "failure_limit");
    assertEquals("failing_task", t.name());
    assertEquals(2, t.maxFailures());
    assertEquals(List.of(process("a", "echo hello world", 1), process("b", "exit 1", 1),
        process("c", "echo hello world", 1)), t.processes());
    assertEquals(List.of(new Constraint(List.of("a", "b", "c"))), t.constraints());
    assertEquals(new Resources(1.0, 16777216, 16384, 0), t.resources());
  }

  @Test
  void failure() throws Exception {
    TaskConfig t = load("finished", "failure");
    assertEquals("pingping", t.name());
    assertEquals(List.of("p1", "p2", "p3"),
        t.processes().stream().map(ProcessConfig::name).toList());
    for (int i = 0; i < 3; i++) {
      ProcessConfig p = t.processes().get(i);
      assertEquals(5, p.maxFailures());
      assertTrue(p.cmdline().startsWith("echo p" + (i + 1) + " pinging;"), p.cmdline());
      assertTrue(p.cmdline().contains("-eq " + (i + 1) + " ]"), p.cmdline());
    }
    assertEquals(List.of(), t.constraints());
  }

  @Test
  void portsNeedsHelloAndWorld() throws Exception {
    TaskConfig t = load("finished", "ports");
    assertEquals("echo {{thermos.ports[hello]}} {{thermos.ports[world]}}",
        t.processes().get(0).cmdline());
    assertEquals(Set.of("hello", "world"), Interpolation.referencedPorts(t));
    assertEquals("Task requires unbound port world", assertThrows(InvalidTaskException.class,
        () -> TaskValidator.validatePorts(t, Map.of("hello", 1))).getMessage());
    TaskConfig bound = Interpolation.bind(t,
        new ThermosContext("ports-1", Map.of("hello", 31337, "world", 31338), "me"));
    assertEquals("echo 31337 31338", bound.processes().get(0).cmdline());
  }
}
