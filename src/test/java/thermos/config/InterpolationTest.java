package thermos.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class InterpolationTest {
  private static final ThermosContext CONTEXT =
      new ThermosContext("hello-0-abc", Map.of("http", 31337, "admin", 31338), "www-data");

  private static TaskConfig oneProcess(String cmdline) {
    return TaskConfig.of("t", List.of(ProcessConfig.of("p", cmdline)), List.of());
  }

  private static String boundCmdline(String cmdline) {
    return Interpolation.bind(oneProcess(cmdline), CONTEXT).processes().get(0).cmdline();
  }

  @Test
  void bindsPortsTaskIdAndUser() {
    assertEquals("serve --port=31337 --admin=31338 --id=hello-0-abc --user=www-data",
        boundCmdline("serve --port={{thermos.ports[http]}} --admin={{thermos.ports[admin]}}"
            + " --id={{thermos.task_id}} --user={{thermos.user}}"));
  }

  @Test
  void unboundRefsStayVerbatim() {
    assertEquals("a {{thermos.ports[missing]}} b {{foo.bar}} c {{thermos.nothing}}",
        boundCmdline("a {{thermos.ports[missing]}} b {{foo.bar}} c {{thermos.nothing}}"));
  }

  @Test
  void portsAreAMapSoTheAttributeFormDoesNotResolve() {
    assertEquals("{{thermos.ports.http}}", boundCmdline("{{thermos.ports.http}}"));
  }

  @Test
  void textThatIsNotARefStaysAsItIs() {
    assertEquals("{{ thermos.user }} {{1x}} {{}} {{a..b}} {{ { }} }}",
        boundCmdline("{{ thermos.user }} {{1x}} {{}} {{a..b}} {{ { }} }}"));
  }

  @Test
  void boundValuesAreInsertedLiterally() {
    ThermosContext odd = new ThermosContext("id$1\\n", Map.of(), "u$0");
    assertEquals("id$1\\n u$0", Interpolation.bind(
        oneProcess("{{thermos.task_id}} {{thermos.user}}"), odd).processes().get(0).cmdline());
  }

  @Test
  void theNameDefaultResolvesToTheFirstProcessName() {
    TaskConfig t = TaskConfig.of(TaskConfig.DEFAULT_NAME,
        List.of(ProcessConfig.of("first", "x"), ProcessConfig.of("second", "y")), List.of());
    assertEquals("first", Interpolation.bind(t, CONTEXT).name());
    assertEquals(List.of(), Interpolation.unboundRefs(t));
  }

  @Test
  void evaluationRepeatsSoAValueMayHoldRefs() {
    // the name default points at a process name that itself refers to the thermos context
    TaskConfig t = TaskConfig.of(TaskConfig.DEFAULT_NAME,
        List.of(ProcessConfig.of("{{thermos.user}}-worker", "x")), List.of());
    assertEquals("www-data-worker", Interpolation.bind(t, CONTEXT).name());
    assertEquals(List.of("thermos.user"), Interpolation.unboundRefs(t));
  }

  @Test
  void nestedRefsResolveInnermostFirst() {
    TaskConfig t = TaskConfig.of("t", List.of(ProcessConfig.of("http",
        "serve {{thermos.ports[{{name}}]}}")), List.of());
    assertEquals("serve 31337", Interpolation.bind(t, CONTEXT).processes().get(0).cmdline());
    assertEquals(Set.of("http"), assertReferencedPorts(t));
  }

  @Test
  void processFieldsShadowTaskFields() {
    TaskConfig t = new TaskConfig("task", List.of(
        ProcessConfig.of("p", "{{name}} {{max_failures}} {{finalization_wait}}"
            + " {{processes[1].cmdline}} {{resources.cpu}} {{daemon}}").withMaxFailures(7),
        ProcessConfig.of("q", "qq")),
        List.of(), new Resources(0.5, 1, 2, 0), 3, 0, 45, null);
    assertEquals("p 7 45 qq 0.5 false",
        Interpolation.bind(t, CONTEXT).processes().get(0).cmdline());
  }

  @Test
  void taskLevelStringsSeeOnlyTheTask() {
    TaskConfig t = new TaskConfig("n-{{max_failures}}", List.of(ProcessConfig.of("p", "x")),
        List.of(new Constraint(List.of("{{processes[0].name}}"))), null, 3, 0, 30,
        "{{thermos.user}}-{{cmdline}}");
    TaskConfig bound = Interpolation.bind(t, CONTEXT);
    assertEquals("n-3", bound.name());
    assertEquals("www-data-{{cmdline}}", bound.user());
    assertEquals(List.of("p"), bound.constraints().get(0).order());
  }

  @Test
  void unsetOptionalFieldsDoNotResolve() {
    assertEquals("{{resources.cpu}} {{user}} {{logger.mode}}",
        boundCmdline("{{resources.cpu}} {{user}} {{logger.mode}}"));
  }

  @Test
  void indexesOutOfRangeDoNotResolve() {
    assertEquals("{{processes[1].name}} {{processes[99999999999].name}} {{processes[x]}}",
        boundCmdline("{{processes[1].name}} {{processes[99999999999].name}} {{processes[x]}}"));
  }

  @Test
  void typedFieldsAreUntouched() {
    TaskConfig t = new TaskConfig("t", List.of(ProcessConfig.of("p", "{{thermos.user}}")
        .withDaemon(true).withMaxFailures(4)), List.of(), new Resources(1, 2, 3, 4), 2, 3, 4,
        null);
    TaskConfig bound = Interpolation.bind(t, CONTEXT);
    assertEquals(t.withProcesses(List.of(t.processes().get(0).withCmdline("www-data"))), bound);
  }

  @Test
  void unboundRefsAreListedOnceInOrderOfAppearance() {
    TaskConfig t = TaskConfig.of("{{b}}", List.of(
        ProcessConfig.of("p", "{{a}} {{thermos.ports[x]}} {{b}} {{a}} {{thermos.task_id}}")),
        List.of());
    assertEquals(List.of("b", "a", "thermos.ports[x]", "thermos.task_id"),
        Interpolation.unboundRefs(t));
  }

  @Test
  void aSelfReferenceStopsAndStaysUnbound() {
    TaskConfig t = TaskConfig.of("{{name}}", List.of(ProcessConfig.of("p", "x")), List.of());
    assertEquals("{{name}}", Interpolation.bind(t, CONTEXT).name());
    assertEquals(List.of("name"), Interpolation.unboundRefs(t));
  }

  @Test
  @Timeout(5)
  void aGrowingSelfReferenceStops() {
    String bound = boundCmdline("{{cmdline}}{{cmdline}}");
    assertTrue(bound.contains("{{cmdline}}"));
    assertTrue(bound.length() < 1_000_000, "length " + bound.length());
  }

  private static Set<String> assertReferencedPorts(TaskConfig t) {
    try {
      return Interpolation.referencedPorts(t);
    } catch (InvalidTaskException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void referencedPortsAreCollectedFromEveryStringSorted() {
    TaskConfig t = new TaskConfig("{{thermos.ports[zeta]}}", List.of(
        ProcessConfig.of("p", "{{thermos.ports[http]}} {{thermos.ports[admin]}}"),
        ProcessConfig.of("q", "{{thermos.ports[http]}} {{thermos.ports[my-port.1]}}")),
        List.of(), null, 1, 0, 30, "{{thermos.ports[user_port]}}");
    assertEquals(List.of("admin", "http", "my-port.1", "user_port", "zeta"),
        List.copyOf(assertReferencedPorts(t)));
    assertEquals(Set.of(), assertReferencedPorts(oneProcess("{{thermos.task_id}} {{x}}")));
  }

  @Test
  void otherFormsUnderThermosPortsAreBadPortSpecifications() {
    for (String ref : List.of("thermos.ports.http", "thermos.ports", "thermos.ports[a].b",
        "thermos.ports[a][b]")) {
      String message = assertThrows(InvalidTaskException.class,
          () -> Interpolation.referencedPorts(oneProcess("x {{" + ref + "}}"))).getMessage();
      assertEquals("Bad port specification \"{{" + ref + "}}\" (should be of form"
          + " \"{{thermos.ports[name]}}\")", message);
    }
  }

  @Test
  void bindingWithoutATaskIdLeavesItUnbound() {
    assertEquals("{{thermos.task_id}} 31337", Interpolation.bind(
        oneProcess("{{thermos.task_id}} {{thermos.ports[http]}}"),
        new ThermosContext(null, Map.of("http", 31337), "u")).processes().get(0).cmdline());
  }
}
