package thermos.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TaskValidatorTest {
  private static ProcessConfig p(String name) {
    return ProcessConfig.of(name, "echo " + name);
  }

  private static Constraint order(String... names) {
    return new Constraint(Arrays.asList(names));
  }

  private static TaskConfig task(List<ProcessConfig> processes, Constraint... constraints) {
    return TaskConfig.of("t", processes, Arrays.asList(constraints));
  }

  private static String error(TaskConfig task) {
    return assertThrows(InvalidTaskException.class, () -> TaskValidator.validate(task))
        .getMessage();
  }

  private static void valid(TaskConfig task) {
    assertDoesNotThrow(() -> TaskValidator.validate(task));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "a.b", "a..", "with space", "-x", "x.", "ünïcode", "a\\b"})
  void validNames(String name) {
    valid(task(List.of(p(name))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "..", ".hidden", "/abs", "a/b", "a/", "a\0b"})
  void invalidNames(String name) {
    assertEquals("Task has invalid process: Invalid process name: \"" + name + "\" (a process"
        + " name must be non-empty, must not start with '.' and must not contain '/')",
        error(task(List.of(p("ok"), p(name)))));
  }

  @Test
  void duplicateNamesAreRejected() {
    assertEquals("Task has duplicate process name: \"b\" (process names must be unique)",
        error(task(List.of(p("a"), p("b"), p("c"), p("b").withFinal(true)))));
  }

  @Test
  void aTaskNeedsProcesses() {
    assertEquals("Task has no processes", error(task(List.of())));
  }

  @Test
  void negativeNumbersBuiltInCodeAreRejected() {
    assertEquals("Task max_concurrency must not be negative, got -1",
        error(task(List.of(p("a"))).withMaxConcurrency(-1)));
    assertEquals("Task process a min_duration must not be negative, got -2",
        error(task(List.of(p("a").withMinDurationSecs(-2)))));
  }

  @Test
  void regularAndFinalProcessesMayNotBeOrderedTogether() {
    String message = error(task(List.of(p("a"), p("f").withFinal(true)), order("a", "f")));
    assertEquals("Invalid process dependencies! constraints[0] [a, f] mixes regular processes"
        + " with f (a final process) (a constraint may only order processes of one plan)",
        message);
    assertTrue(error(task(List.of(p("a"), p("f").withFinal(true)), order("f", "a")))
        .startsWith("Invalid process dependencies! constraints[0] [f, a] mixes regular"));
  }

  @Test
  void aConstraintNamingAKnownAndAnUnknownProcessIsRejected() {
    assertEquals("Invalid process dependencies! constraints[1] [a, ghost] mixes regular"
        + " processes with ghost (not a process of this task) (a constraint may only order"
        + " processes of one plan)",
        error(task(List.of(p("a"), p("b")), order("a", "b"), order("a", "ghost"))));
    assertTrue(error(task(List.of(p("f").withFinal(true)), order("ghost", "f")))
        .startsWith("Invalid process dependencies! constraints[0] [ghost, f] mixes final"));
  }

  @Test
  void constraintsNamingOnlyUnknownProcessesAreIgnored() {
    valid(task(List.of(p("a")), order("x", "y"), order("y", "x")));
  }

  @Test
  void finalProcessesMayBeOrderedAmongThemselves() {
    valid(task(List.of(p("a"), p("f1").withFinal(true), p("f2").withFinal(true)),
        order("f1", "f2"), order("a")));
  }

  @Test
  void anEmptyOrderIsRejected() {
    assertEquals("Invalid process dependencies! constraints[0] []: an order constraint must name"
        + " at least one process", error(task(List.of(p("a")), order())));
  }

  @Test
  void nothingMayDependUponADaemon() {
    assertEquals("Process b may not depend upon daemon process a (constraints[0] [a, b])",
        error(task(List.of(p("a").withDaemon(true), p("b")), order("a", "b"))));
    valid(task(List.of(p("a"), p("b").withDaemon(true)), order("a", "b")));
  }

  @Test
  void daemonRuleAppliesToTheFinalPlanToo() {
    assertEquals("Process f2 may not depend upon daemon process f1 (constraints[0] [f1, f2])",
        error(task(List.of(p("a"), p("f1").withFinal(true).withDaemon(true),
            p("f2").withFinal(true)), order("f1", "f2"))));
  }

  @Test
  void aNonEphemeralProcessMayNotDependUponAnEphemeralOne() {
    assertEquals("Non-ephemeral process b may not depend upon ephemeral process a"
        + " (constraints[0] [a, b])",
        error(task(List.of(p("a").withEphemeral(true), p("b")), order("a", "b"))));
    valid(task(List.of(p("a").withEphemeral(true), p("b").withEphemeral(true)), order("a", "b")));
    valid(task(List.of(p("a"), p("b").withEphemeral(true)), order("a", "b")));
  }

  @Test
  void cyclesAreDetectedAndNamed() {
    assertEquals("Cycles detected in the task schedule! Processes involved: a, b",
        error(task(List.of(p("a"), p("b"), p("c"), p("d")),
            order("d", "a"), order("a", "b"), order("b", "a"), order("b", "c"))));
  }

  @Test
  void aLongerCycleAcrossConstraintsIsDetected() {
    assertEquals("Cycles detected in the task schedule! Processes involved: x, y, z",
        error(task(List.of(p("x"), p("y"), p("z")), order("x", "y"), order("y", "z"),
            order("z", "x"))));
  }

  @Test
  void aProcessOrderedAfterItselfIsACycle() {
    assertEquals("Cycles detected in the task schedule! Processes involved: a",
        error(task(List.of(p("a"), p("b")), order("a", "a"))));
  }

  @Test
  void cyclesInTheFinalPlanAreDetected() {
    assertEquals("Cycles detected in the task schedule! Processes involved: f1, f2",
        error(task(List.of(p("a"), p("f1").withFinal(true), p("f2").withFinal(true)),
            order("f1", "f2", "f1"))));
  }

  @Test
  void aDiamondIsNotACycle() {
    valid(task(List.of(p("a"), p("b"), p("c"), p("d")),
        order("a", "b", "d"), order("a", "c", "d"), order("a", "d")));
  }

  @Test
  void rotatePolicyMustBePositive() {
    LoggerConfig rotate = new LoggerConfig(LoggerConfig.Destination.FILE,
        LoggerConfig.Mode.ROTATE, new RotatePolicy(0, 5));
    assertEquals("Process a: logger rotate log_size must be greater than 0 bytes, got 0",
        error(task(List.of(p("a").withLogger(rotate)))));
    LoggerConfig noBackups = new LoggerConfig(LoggerConfig.Destination.FILE,
        LoggerConfig.Mode.ROTATE, new RotatePolicy(1, 0));
    assertEquals("Process a: logger rotate backups must be greater than 0, got 0",
        error(task(List.of(p("a").withLogger(noBackups)))));
    valid(task(List.of(p("a").withLogger(new LoggerConfig(LoggerConfig.Destination.BOTH,
        LoggerConfig.Mode.ROTATE, new RotatePolicy(1, 1))))));
    valid(task(List.of(p("a").withLogger(LoggerConfig.defaults()))));
  }

  @Test
  void rotatePolicyOfZeroIsRejectedFromJson() throws Exception {
    TaskConfig t = TaskLoader.parse("{\"processes\": [{\"name\": \"a\", \"cmdline\": \"x\","
        + " \"logger\": {\"rotate\": {\"backups\": 0}}}]}", "t.json");
    assertTrue(error(t).contains("backups must be greater than 0"));
  }

  @Test
  void thermosRefsAndTheNameDefaultAreBound() {
    valid(TaskConfig.of(TaskConfig.DEFAULT_NAME, List.of(ProcessConfig.of("a",
        "run --port={{thermos.ports[http]}} --id={{thermos.task_id}} --as={{thermos.user}}"
            + " --me={{name}}")), List.of()));
  }

  @Test
  void anUndefinedRefIsUnbound() {
    assertEquals("Unexpected unbound refs: {{undefined}}, {{mesos.instance}}. Make sure you are"
        + " not nesting template variables.",
        error(task(List.of(ProcessConfig.of("a", "x {{undefined}} {{mesos.instance}}")))));
  }

  @Test
  void aNestedTemplateVariableIsUnbound() {
    assertEquals("Unexpected unbound refs: {{x}}. Make sure you are not nesting template"
        + " variables.",
        error(task(List.of(ProcessConfig.of("a", "serve {{thermos.ports[{{x}}]}}")))));
  }

  @Test
  void theAttributePortFormIsABadPortSpecification() {
    assertEquals("Task has invalid process: Bad port specification \"{{thermos.ports.http}}\""
        + " (should be of form \"{{thermos.ports[name]}}\")",
        error(task(List.of(ProcessConfig.of("a", "serve {{thermos.ports.http}}")))));
  }

  @Test
  void validatePortsNamesTheUnboundPorts() throws Exception {
    TaskConfig t = task(List.of(ProcessConfig.of("a", "{{thermos.ports[http]}}"),
        ProcessConfig.of("b", "{{thermos.ports[admin]}} {{thermos.ports[http]}}")));
    assertEquals("Task requires unbound ports admin, http", assertThrows(
        InvalidTaskException.class, () -> TaskValidator.validatePorts(t, Map.of())).getMessage());
    assertEquals("Task requires unbound port admin", assertThrows(InvalidTaskException.class,
        () -> TaskValidator.validatePorts(t, Map.of("http", 80, "extra", 1))).getMessage());
    TaskValidator.validatePorts(t, Map.of("http", 80, "admin", 81));
    TaskValidator.validatePorts(task(List.of(p("a"))), Map.of());
  }
}
