package thermos.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.ckpt.CheckpointWriter;
import thermos.ckpt.TaskPath;
import thermos.config.LoggerConfig;
import thermos.config.RotatePolicy;
import thermos.proto.RunnerCkpt;
import thermos.proto.RunnerHeader;
import thermos.proto.RunnerSettings;
import thermos.proto.TaskState;
import thermos.proto.TaskStatus;

/**
 * A restarted (or {@code --force}) runner keeps the task's recorded settings (difference 8):
 * sandbox, log dir, ports, user, logger, preserve-env and its environment, preemption wait. A
 * command line contradicting the sandbox, log dir or ports is refused (103).
 */
class RecordedSettingsTest {
  @TempDir Path dir;

  private TaskPath paths;
  private Path task;
  private final Path sandbox = Path.of("/srv/recorded-sandbox");
  private final Path logDir = Path.of("/srv/recorded-logs");

  @BeforeEach
  void setUp() throws Exception {
    paths = new TaskPath(dir.resolve("root"));
    task = dir.resolve("t.json");
    Files.writeString(task, """
        {"name": "t", "processes": [{"name": "a",
          "cmdline": "serve {{thermos.ports[http]}} as {{thermos.user}}"}]}""");
  }

  private void record(boolean preserveEnv) throws Exception {
    Files.createDirectories(paths.checkpointDir("t1"));
    RunnerSettings settings = RunnerSettings.newBuilder().setPreserveEnv(preserveEnv)
        .setLoggerDestination("both").setLoggerMode("rotate").setRotateLogSizeBytes(1024)
        .setRotateLogBackups(3).setPreemptionWaitMs(5_000).setPath("/recorded/bin").build();
    try (CheckpointWriter w = CheckpointWriter.open(paths.runnerCheckpoint("t1"))) {
      w.append(RunnerCkpt.newBuilder().setTaskStatus(TaskStatus.newBuilder()
          .setState(TaskState.ACTIVE).setTimestampMs(1_000).setRunnerPid(1)).build());
      w.append(RunnerCkpt.newBuilder().setRunnerHeader(RunnerHeader.newBuilder()
          .setTaskId("t1").setLaunchTimeMs(1_000).setSandbox(sandbox.toString())
          .setHostname("recorded-host").setUser("alice").putPorts("http", 8080)
          .setLogDir(logDir.toString()).setUid(4321).setSettings(settings)).build());
    }
  }

  private RunnerMain.Options options(Path sandbox, Path logDir, Map<String, Integer> ports,
      boolean preserveEnv, Duration wait, String host, LoggerConfig logger) {
    return new RunnerMain.Options(task, paths.root(), sandbox, "t1", ports, wait, logDir, host,
        preserveEnv, false, logger);
  }

  @Test
  void aRestartKeepsWhatTheTaskRecordedAndSaysWhichFlagsItIgnores() throws Exception {
    record(false);
    RunnerConfig c;
    try (LogCapture logs = new LogCapture()) {
      c = RunnerSetup.configure(options(null, null, Map.of(), true, Duration.ofSeconds(99),
          "other-host", LoggerConfig.defaults()));
      String text = logs.text();
      for (String flag : new String[] {"--preserve-env", "--preemption-wait", "--hostname",
          "logger"}) {
        assertTrue(text.contains(flag), flag + " not warned about:\n" + text);
      }
    }
    assertEquals(sandbox, c.sandbox());
    assertEquals(logDir, c.logDir());
    assertEquals(Map.of("http", 8080), c.ports());
    assertEquals("alice", c.user());
    assertEquals(4321, c.uid());
    assertEquals("recorded-host", c.hostname());
    assertEquals(false, c.preserveEnv());
    assertEquals(Duration.ofSeconds(5), c.preemptionWait());
    assertEquals(new LoggerConfig(LoggerConfig.Destination.BOTH, LoggerConfig.Mode.ROTATE,
        new RotatePolicy(1024, 3)), c.defaultLogger());
    assertEquals(Map.of("PATH", "/recorded/bin"), c.environment(), "the recorded PATH only");
    assertEquals("serve 8080 as alice", c.task().process("a").cmdline(),
        "bound with the recorded ports and user");
  }

  @Test
  void theSameValuesGivenAgainAreFine() throws Exception {
    record(false);
    RunnerConfig c = RunnerSetup.configure(options(sandbox, logDir, Map.of("http", 8080), false,
        null, null, null));
    assertEquals(sandbox, c.sandbox());
  }

  @Test
  void aContradictingSandboxLogDirOrPortIsRefused() throws Exception {
    record(false);
    for (RunnerMain.Options o : new RunnerMain.Options[] {
        options(dir.resolve("elsewhere"), null, Map.of(), false, null, null, null),
        options(null, dir.resolve("other-logs"), Map.of(), false, null, null, null),
        options(null, null, Map.of("http", 9090), false, null, null, null)}) {
      RunnerException e = assertThrows(RunnerException.class, () -> RunnerSetup.configure(o));
      assertEquals(RunnerException.UNKNOWN_ERROR, e.exitCode());
      assertTrue(e.getMessage().matches("--(sandbox|log-dir|port) .* contradicts task t1's "
          + "recorded .*"), e.getMessage());
      assertTrue(!e.getMessage().contains("\n"), "one line");
    }
  }

  @Test
  void aPreservedEnvironmentComesFromItsSideFile() throws Exception {
    record(true);
    Path file = PreservedEnvironment.fileOf(paths, "t1");
    PreservedEnvironment.write(file, Map.of("PATH", "/p", "TOKEN", "s3cret=x"));
    assertEquals("rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    RunnerConfig c = RunnerSetup.configure(options(null, null, Map.of(), false, null, null,
        null));
    assertEquals(true, c.preserveEnv());
    assertEquals(Map.of("PATH", "/p", "TOKEN", "s3cret=x"), c.environment());
    Files.createDirectories(paths.activeTaskFile("t1").getParent());
    Files.writeString(paths.activeTaskFile("t1"), c.taskJson());
    RunnerConfig takeover = Takeover.configFromCheckpoint(paths, "t1");
    assertEquals(c.environment(), takeover.environment(), "a takeover gets it too");
  }
}
