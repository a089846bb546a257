package thermos.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static thermos.it.TaskFixture.terminal;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.cli.ThermosCli;
import thermos.proto.ProcessState;
import thermos.proto.RunnerState;
import thermos.proto.TaskState;

/** What a process sees (SEMANTICS.md §1b.12) and where its output goes (§1b.13). */
@Tag("integration")
class ProcessEnvironmentIntegrationTest {
  @TempDir Path dir;

  private RunnerState run(TaskFixture f, String json, String... flags) throws Exception {
    Process p = f.startRunner(f.writeTask(json), flags);
    RunnerState s = f.await("terminal", TaskFixture::terminal);
    assertEquals(0, f.awaitExit(p), f.runnerLogs());
    assertEquals(TaskState.SUCCESS, s.getStatuses(s.getStatusesCount() - 1).getState(),
        f.runnerLogs());
    return s;
  }

  private static Map<String, String> parseEnv(String text) {
    Map<String, String> env = new HashMap<>();
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        env.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return env;
  }

  @Test
  void onlyHomeUserLognameAndPathAreSetAndCwdIsTheSandbox() throws Exception {
    try (TaskFixture f = new TaskFixture(dir, "env")) {
      run(f, """
          {"name": "env", "processes": [{"name": "show", "cmdline": "env; pwd > cwd"}]}""");
      Map<String, String> env = parseEnv(
          Files.readString(f.sandbox.resolve(".logs/show/0/stdout")));
      Set<String> bashOwn = Set.of("PWD", "SHLVL", "_", "OLDPWD");
      Set<String> names = new TreeSet<>(env.keySet());
      names.removeAll(bashOwn);
      assertEquals(new TreeSet<>(List.of("HOME", "LOGNAME", "PATH", "THERMOS_TASK_ID", "USER")),
          names);
      assertEquals(f.sandbox.toString(), env.get("HOME"));
      assertEquals(System.getProperty("user.name"), env.get("USER"));
      assertEquals(System.getenv("PATH"), env.get("PATH"));
      assertEquals("env", env.get("THERMOS_TASK_ID"));
      assertEquals(f.sandbox.toString(), Files.readString(f.sandbox.resolve("cwd")).trim());
    }
  }

  @Test
  void preserveEnvPassesTheRunnersEnvironment() throws Exception {
    try (TaskFixture f = new TaskFixture(dir, "keep")) {
      // The test JVM's own environment reaches the runner; HOME is still overridden.
      run(f, """
          {"name": "keep", "processes": [{"name": "show", "cmdline": "env"}]}""",
          "--preserve-env");
      Map<String, String> env = parseEnv(
          Files.readString(f.sandbox.resolve(".logs/show/0/stdout")));
      for (Map.Entry<String, String> e : System.getenv().entrySet()) {
        if (!Set.of("HOME", "USER", "LOGNAME", "PATH", "PWD", "SHLVL", "_", "OLDPWD")
            .contains(e.getKey())) {
          assertEquals(e.getValue(), env.get(e.getKey()), e.getKey());
        }
      }
      assertEquals(f.sandbox.toString(), env.get("HOME"));
    }
  }

  @Test
  void aPreservedEnvironmentStaysOutOfTheLogAndATakeoverGivesItToTheFinalizers()
      throws Exception {
    try (TaskFixture f = new TaskFixture(dir, "secret")) {
      Process runner = f.startRunner(Map.of("THERMOS_TEST_SECRET", "hunter2"), List.of(),
          f.writeTask("""
              {"name": "secret", "processes": [{"name": "wait", "cmdline": "sleep 1000"},
                {"name": "fin", "final": true,
                 "cmdline": "echo secret=$THERMOS_TEST_SECRET path=$PATH"}]}"""),
          "--preserve-env");
      f.await("wait running", s -> s.getProcessesMap().containsKey("wait")
          && s.getProcessesMap().get("wait").getRuns(0).getState() == ProcessState.RUNNING);
      StringWriter out = new StringWriter();
      assertEquals(0, ThermosCli.run(new String[] {"read", "--json", "--root",
          f.root.toString(), "secret"}, new PrintWriter(out, true), new PrintWriter(
              new StringWriter(), true)));
      assertFalse(out.toString().contains("hunter2"), "read --json shows the environment");
      assertTrue(out.toString().contains(System.getenv("PATH")), "PATH is recorded:\n" + out);
      Path envFile = f.paths.checkpointDir("secret").resolve("environment");
      assertEquals("rw-------", PosixFilePermissions.toString(
          Files.getPosixFilePermissions(envFile)));
      assertTrue(Files.readString(envFile).contains("THERMOS_TEST_SECRET=hunter2"));

      // The runner dies; kill takes the task over (this JVM has no such variable).
      runner.destroyForcibly().waitFor();
      assertEquals(null, System.getenv("THERMOS_TEST_SECRET"));
      assertEquals(0, ThermosCli.run(new String[] {"kill", "--root", f.root.toString(),
          "--preemption-wait", "10", "secret"}, new PrintWriter(new StringWriter(), true),
          new PrintWriter(new StringWriter(), true)));
      RunnerState s = f.monitor.getState();
      assertEquals(TaskState.KILLED, s.getStatuses(s.getStatusesCount() - 1).getState());
      assertEquals("secret=hunter2 path=" + System.getenv("PATH") + "\n",
          Files.readString(f.sandbox.resolve(".logs/fin/0/stdout")));
      f.assertNoProcessLeft();
    }
  }

  @Test
  void thermosProfileIsSourcedThroughBashEnv() throws Exception {
    try (TaskFixture f = new TaskFixture(dir, "profile")) {
      Files.createDirectories(f.sandbox);
      Files.writeString(f.sandbox.resolve(".thermos_profile"), "export GREETING=hello\n");
      run(f, """
          {"name": "profile", "processes": [{"name": "greet", "cmdline": "echo $GREETING"}]}""");
      assertEquals("hello\n", Files.readString(f.sandbox.resolve(".logs/greet/0/stdout")));
    }
  }

  @Test
  void loggerDestinationsAndRotation() throws Exception {
    try (TaskFixture f = new TaskFixture(dir, "logs")) {
      run(f, """
          {"name": "logs", "processes": [
            {"name": "quiet", "cmdline": "echo gone; echo gone >&2",
             "logger": {"destination": "none"}},
            {"name": "loud", "cmdline": "echo to-console-out; echo to-console-err >&2",
             "logger": {"destination": "console"}},
            {"name": "tee", "cmdline": "echo teed-out; echo teed-err >&2",
             "logger": {"destination": "both"}},
            {"name": "rot", "cmdline": "for i in $(seq 10 49); do echo line-$i; done",
             "logger": {"destination": "file", "mode": "rotate",
                        "rotate": {"log_size": 80, "backups": 2}}}]}""");
      Path logs = f.sandbox.resolve(".logs");
      assertFalse(Files.exists(logs.resolve("quiet/0/stdout")), "none: no files");
      assertFalse(Files.exists(logs.resolve("loud/0/stdout")), "console: no files");
      String runnerOut = f.runnerLogs();
      assertTrue(runnerOut.contains("to-console-out") && runnerOut.contains("to-console-err"),
          runnerOut);
      assertTrue(runnerOut.contains("teed-out") && runnerOut.contains("teed-err"), runnerOut);
      assertEquals("teed-out\n", Files.readString(logs.resolve("tee/0/stdout")));
      assertEquals("teed-err\n", Files.readString(logs.resolve("tee/0/stderr")));
      // 40 lines of 8 bytes = 320 bytes, rotated at 80: the base file is the newest (empty
      // after the last rotation), .1 and .2 the previous ones; older ones are dropped. Complete
      // when the runner has exited: it waits for the log pumps to drain.
      Path rot = logs.resolve("rot/0");
      assertEquals("", Files.readString(rot.resolve("stdout")));
      assertEquals("line-40\nline-41\nline-42\nline-43\nline-44\nline-45\nline-46\nline-47\n"
          + "line-48\nline-49\n", Files.readString(rot.resolve("stdout.1")));
      assertEquals("line-30\nline-31\nline-32\nline-33\nline-34\nline-35\nline-36\nline-37\n"
          + "line-38\nline-39\n", Files.readString(rot.resolve("stdout.2")));
      assertFalse(Files.exists(rot.resolve("stdout.3")), "only 2 backups kept");
    }
  }
}
