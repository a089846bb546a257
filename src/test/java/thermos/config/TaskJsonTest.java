package thermos.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TaskJsonTest {
  /** The example of SEMANTICS.md §1a, as the runner reads it from --thermos_json. */
  static final String HELLO_SERVICE = """
      {
        "name": "hello_service",
        "processes": [
          {"name": "stage", "cmdline": "cp /opt/app/server.py .",
           "max_failures": 1, "daemon": false, "ephemeral": false, "min_duration": 5, "final": false},
          {"name": "serve",
           "cmdline": "python server.py --port={{thermos.ports[http]}} --id={{thermos.task_id}}",
           "max_failures": 3, "daemon": false, "ephemeral": false, "min_duration": 15, "final": false,
           "logger": {"destination": "both", "mode": "rotate",
                      "rotate": {"log_size": 10485760, "backups": 3}}}
        ],
        "constraints": [{"order": ["stage", "serve"]}],
        "resources": {"cpu": 1.0, "ram": 134217728, "disk": 268435456, "gpu": 0},
        "max_failures": 1,
        "max_concurrency": 0,
        "finalization_wait": 30
      }
      """;

  @Test
  void everyDefaultIsWrittenOutAndOptionalStructsOnlyWhenSet() {
    TaskConfig t = TaskConfig.of(TaskConfig.DEFAULT_NAME, List.of(ProcessConfig.of("a", "x")),
        List.of());
    assertEquals("{\"name\":\"{{processes[0].name}}\",\"processes\":[{\"name\":\"a\","
        + "\"cmdline\":\"x\",\"max_failures\":1,\"daemon\":false,\"ephemeral\":false,"
        + "\"min_duration\":5,\"final\":false}],\"constraints\":[],\"max_failures\":1,"
        + "\"max_concurrency\":0,\"finalization_wait\":30}", TaskJson.toJson(t));
  }

  @Test
  void setStructsAndUserAreWritten() {
    LoggerConfig logger = new LoggerConfig(LoggerConfig.Destination.CONSOLE,
        LoggerConfig.Mode.STANDARD, null);
    TaskConfig t = new TaskConfig("t", List.of(ProcessConfig.of("a", "x").withDaemon(true)
        .withLogger(logger)), List.of(), new Resources(0.25, 10, 20, 1), 1, 0, 30, "bob");
    String json = TaskJson.toJson(t);
    assertTrue(json.contains("\"daemon\":true"), json);
    assertTrue(json.contains("\"logger\":{\"destination\":\"console\",\"mode\":\"standard\"}"),
        json);
    assertTrue(json.contains("\"resources\":{\"cpu\":0.25,\"ram\":10,\"disk\":20,\"gpu\":1}"),
        json);
    assertTrue(json.endsWith(",\"user\":\"bob\"}"), json);
    assertFalse(json.contains("rotate"), json);
  }

  @Test
  void theSemanticsExampleRoundTrips() throws Exception {
    TaskConfig t = TaskLoader.parse(HELLO_SERVICE, "hello.json");
    assertEquals(new LoggerConfig(LoggerConfig.Destination.BOTH, LoggerConfig.Mode.ROTATE,
        new RotatePolicy(10485760, 3)), t.process("serve").logger());
    assertEquals(t, TaskLoader.parse(TaskJson.toJson(t), "again"));
    assertEquals(t, TaskLoader.parse(TaskJson.toPrettyJson(t), "pretty"));
    TaskValidator.validate(t);
  }

  @Test
  void aTaskWithEveryFieldSetRoundTrips() throws Exception {
    ProcessConfig full = new ProcessConfig("worker", "run \"quoted\" \\ {{thermos.user}}\n",
        new Resources(0.1, 1, 2, 3), 0, true, true, 0, true,
        new LoggerConfig(LoggerConfig.Destination.NONE, LoggerConfig.Mode.ROTATE,
            RotatePolicy.defaults()));
    TaskConfig t = new TaskConfig("ü-task", List.of(full, ProcessConfig.of("b", "y")),
        List.of(new Constraint(List.of("b")), new Constraint(List.of("worker", "b"))),
        new Resources(1.0000000000000002, Long.MAX_VALUE, 0, 0), 0, 5, 0, "{{thermos.user}}");
    assertEquals(t, TaskLoader.parse(TaskJson.toJson(t), "full"));
    assertEquals(t, TaskLoader.parse(TaskJson.toPrettyJson(t), "full"));
  }

  @Test
  void prettyJsonIsIndented() {
    String pretty = TaskJson.toPrettyJson(TaskConfig.of("t", List.of(ProcessConfig.of("a", "x")),
        List.of()));
    assertTrue(pretty.startsWith("{\n  \"name\": \"t\",\n  \"processes\": [\n    {\n"), pretty);
  }
}
