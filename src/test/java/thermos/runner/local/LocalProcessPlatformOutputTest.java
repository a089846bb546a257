package thermos.runner.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import thermos.ckpt.TaskPath;
import thermos.common.Clock;
import thermos.config.LoggerConfig;
import thermos.config.LoggerConfig.Destination;
import thermos.config.LoggerConfig.Mode;
import thermos.config.RotatePolicy;
import thermos.runner.LaunchException;
import thermos.runner.LaunchRequest;
import thermos.runner.ProcessEvents;
import thermos.runner.RunRef;
import thermos.runner.Signal;
import thermos.runner.Termination;

/**
 * The real platform's launch (SEMANTICS.md §1b.12–1b.13) in this JVM: where output goes, log
 * pumps that outlive the run's session, log files created before the launch, and bash's startup
 * variables reaching the user's shell only.
 */
@Tag("integration")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LocalProcessPlatformOutputTest {
  private static final String TASK = "out";

  @TempDir Path dir;
  private Path sandbox;
  private int run = -1;
  private LocalProcessPlatform platform;
  private final BlockingQueue<Termination> exits = new LinkedBlockingQueue<>();
  private final ProcessEvents events = new ProcessEvents() {
    @Override
    public void running(String process, int run, int pid, double startTime) {}

    @Override
    public void exited(String process, int run, Termination termination, double stopTime) {
      exits.add(termination);
    }

    @Override
    public void vanished(String process, int run) {
      exits.add(Termination.signalled(9));
    }
  };

  @BeforeEach
  void setUp() throws Exception {
    sandbox = Files.createDirectories(dir.resolve("sandbox"));
    platform = new LocalProcessPlatform(new TaskPath(dir.resolve("root")), TASK, Clock.SYSTEM,
        System.currentTimeMillis() / 1000.0 - 1);
  }

  @AfterEach
  void tearDown() {
    platform.close();
  }

  private static Map<String, String> baseEnv(Path home) {
    Map<String, String> env = new HashMap<>();
    env.put("HOME", home.toString());
    env.put("PATH", System.getenv("PATH"));
    return env;
  }

  /** Each launch is a new run (the platform follows runs by process and run number). */
  private LaunchRequest request(String cmdline, LoggerConfig logger, Map<String, String> env) {
    run++;
    return new LaunchRequest("p", run, cmdline, env, sandbox, null, logDir(), logger);
  }

  /** The log directory of the latest run. */
  private Path logDir() {
    return sandbox.resolve(".logs/p/" + run);
  }

  private Path nextLogDir() {
    return sandbox.resolve(".logs/p/" + (run + 1));
  }

  private RunRef launch(String cmdline, LoggerConfig logger) throws Exception {
    return platform.launch(request(cmdline, logger, baseEnv(sandbox)), events);
  }

  /** Waits for the run's exit, then kills its session as the runner does when a run ends. */
  private Termination awaitExit(RunRef ref) throws Exception {
    Termination t = exits.poll(30, TimeUnit.SECONDS);
    assertNotNull(t, "no exit reported");
    platform.signalRun(ref, Signal.KILL, true);
    return t;
  }

  private static LoggerConfig logger(Destination d, Mode m, RotatePolicy rotate) {
    return new LoggerConfig(d, m, rotate);
  }

  @Test
  void fileStandardAppendsToExistingLogs() throws Exception {
    Files.createDirectories(nextLogDir());
    Files.writeString(nextLogDir().resolve("stdout"), "old\n");
    RunRef ref = launch("echo new; echo err >&2", LoggerConfig.defaults());
    assertEquals(0, awaitExit(ref).returnCode());
    assertEquals("old\nnew\n", Files.readString(logDir().resolve("stdout")));
    assertEquals("err\n", Files.readString(logDir().resolve("stderr")));
    assertTrue(new LogPumpDrain(new ProcTable(), new Owner(ProcTable.currentUid()), TASK, 0, Clock.SYSTEM)
        .livePumps().isEmpty(), "file/standard: no pumps");
  }

  @Test
  void noneAndConsoleCreateNoFiles() throws Exception {
    // Silent: console output would land in this JVM's stdout (the test runner's channel).
    for (Destination d : List.of(Destination.NONE, Destination.CONSOLE)) {
      RunRef ref = launch("true", logger(d, Mode.STANDARD, null));
      assertEquals(0, awaitExit(ref).returnCode(), d.toString());
      assertFalse(Files.exists(logDir()), d + ": no log directory");
    }
  }

  @Test
  void pumpsRunInSessionsOfTheirOwnMarkedAsPumpsNotAsTaskProcesses() throws Exception {
    RunRef ref = launch("while [ ! -e go ]; do sleep 0.01; done; echo done",
        logger(Destination.FILE, Mode.ROTATE, new RotatePolicy(1000, 2)));
    LogPumpDrain drain = new LogPumpDrain(new ProcTable(), new Owner(ProcTable.currentUid()), TASK, 0,
        Clock.SYSTEM);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    List<ProcInfo> pumps = drain.livePumps();
    // the rotation loop and its head, per stream; they start asynchronously
    while (pumps.size() < 4 && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(2_000_000L);
      pumps = drain.livePumps();
    }
    assertEquals(4, pumps.size(), "pumps: " + pumps);
    ProcTable procs = new ProcTable();
    for (ProcInfo p : pumps) {
      assertNotEquals(ref.coordinatorPid(), p.session(),
          "pump " + p.pid() + " in the run's session");
      assertFalse(procs.hasEnvironment(p.pid(), LocalProcessPlatform.TASK_MARKER, TASK),
          "pump " + p.pid() + " would be escalated as an orphan");
    }
    Files.writeString(sandbox.resolve("go"), "");
    assertEquals(0, awaitExit(ref).returnCode());
    assertTrue(drain.await(java.time.Duration.ofSeconds(30)),
        "pumps end once the writers are gone");
    assertEquals("done\n", Files.readString(logDir().resolve("stdout")));
  }

  @Test
  void theExitIsRecordedOnlyOnceThePumpsRunInTheirOwnSessions() throws Exception {
    // The runner kills the run's session once the exit is recorded: a pump still in it (before
    // its setsid) would die with the output, and a drain could not find it. A slow system is
    // simulated: pumps are held before setsid until the test releases them.
    Path setsid = Files.writeString(dir.resolve("slow-setsid"), String.join("\n",
        "#!/bin/bash",
        "if [ \"$4\" = " + LogPumpScript.NAME + " ]; then", // setsid /bin/bash -c SCRIPT NAME
        "  touch " + dir + "/held.$$",
        "  while [ ! -e " + dir + "/release ]; do sleep 0.005; done",
        "fi",
        "exec " + findSetsid() + " \"$@\"", ""));
    setsid.toFile().setExecutable(true);
    platform.close();
    platform = new LocalProcessPlatform(new TaskPath(dir.resolve("root")), TASK, Clock.SYSTEM,
        System.currentTimeMillis() / 1000.0 - 1, setsid.toString());
    RunRef ref = launch("echo out; echo err >&2", logger(Destination.FILE, Mode.ROTATE, null));
    Path wchan = Path.of("/proc/" + ref.coordinatorPid() + "/wchan");
    try {
      // The process ends at once; the coordinator then either records the exit and exits, or
      // waits on its readiness pipe (which the kernel shows as its wait channel).
      awaitTrue("both pumps held, the coordinator done or waiting on a pipe",
          () -> countHeld() == 2 && (!Files.exists(wchan) || readOrEmpty(wchan).contains("pipe")));
      assertFalse(readOrEmpty(dir.resolve("root/checkpoints/" + TASK + "/coordinator.p"))
          .contains(" EXIT "), "exit recorded while the pumps were still in the run's session");
    } finally {
      Files.writeString(dir.resolve("release"), "");
    }
    assertEquals(0, awaitExit(ref).returnCode()); // then the session is killed
    platform.close();
    assertEquals("out\n", Files.readString(logDir().resolve("stdout")));
    assertEquals("err\n", Files.readString(logDir().resolve("stderr")));
  }

  private static String readOrEmpty(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      return "";
    }
  }

  private long countHeld() throws java.io.IOException {
    try (var files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith("held.")).count();
    }
  }

  private static String findSetsid() {
    return Files.isExecutable(Path.of("/usr/bin/setsid")) ? "/usr/bin/setsid" : "/bin/setsid";
  }

  /** Waits (bounded) for a condition on files, which give no event to wait on here. */
  private static void awaitTrue(String what, java.util.concurrent.Callable<Boolean> condition)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.call()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
      java.util.concurrent.locks.LockSupport.parkNanos(2_000_000L);
    }
  }

  @Test
  void closeWaitsForThePumpsToDrain() throws Exception {
    // The process exits at once; a background child it leaves writes later, holding the pipe.
    RunRef ref = launch("(sleep 0.3; echo late) & echo early",
        logger(Destination.FILE, Mode.ROTATE, new RotatePolicy(1000, 2)));
    Termination t = exits.poll(30, TimeUnit.SECONDS);
    assertNotNull(t);
    platform.close();
    assertEquals("early\nlate\n", Files.readString(logDir().resolve("stdout")),
        "the log is complete when close returns");
    platform.signalRun(ref, Signal.KILL, true);
  }

  @Test
  void aLogDirectoryThatCannotBeCreatedFailsTheLaunch() throws Exception {
    Files.createDirectories(sandbox.resolve(".logs"));
    Files.writeString(sandbox.resolve(".logs/p"), "a file in the way");
    for (LoggerConfig l : List.of(LoggerConfig.defaults(),
        logger(Destination.BOTH, Mode.STANDARD, null),
        logger(Destination.FILE, Mode.ROTATE, null))) {
      LaunchException e = assertThrows(LaunchException.class,
          () -> launch("echo never", l));
      assertEquals("cannot create log directory " + logDir() + ": Not a directory",
          e.getMessage());
    }
    assertFalse(Files.exists(dir.resolve("root/checkpoints/out/coordinator.p")),
        "no coordinator started");
  }

  @Test
  void aLogFileThatCannotBeOpenedFailsTheLaunch() throws Exception {
    for (LoggerConfig l : List.of(LoggerConfig.defaults(),
        logger(Destination.BOTH, Mode.STANDARD, null),
        logger(Destination.FILE, Mode.ROTATE, null))) {
      Files.createDirectories(nextLogDir().resolve("stderr"));
      LaunchException e = assertThrows(LaunchException.class, () -> launch("echo never", l));
      assertEquals("cannot open log file " + logDir().resolve("stderr") + ": Is a directory",
          e.getMessage(), l.toString());
    }
  }

  @Test
  void bashStartupVariablesReachTheUserShellOnly() throws Exception {
    Path rc = Files.writeString(dir.resolve("rc"), "echo \"$0\" >> " + dir.resolve("sourced")
        + "\n");
    for (LoggerConfig l : List.of(LoggerConfig.defaults(),
        logger(Destination.FILE, Mode.ROTATE, null))) {
      Files.deleteIfExists(dir.resolve("sourced"));
      Map<String, String> env = baseEnv(sandbox);
      env.put("BASH_ENV", rc.toString());
      env.put("SHELLOPTS", "braceexpand:hashall:interactive-comments:xtrace");
      RunRef ref = platform.launch(request("echo hi", l, env), events);
      assertEquals(0, awaitExit(ref).returnCode());
      assertTrue(new LogPumpDrain(new ProcTable(), new Owner(ProcTable.currentUid()), TASK, 0,
          Clock.SYSTEM).await(java.time.Duration.ofSeconds(30)));
      assertEquals("/bin/bash\n", Files.readString(dir.resolve("sourced")),
          "sourced by the user's shell only, not by the coordinator or a pump");
      assertEquals("+ echo /bin/bash\n+ echo hi\n",
          Files.readString(logDir().resolve("stderr")),
          "SHELLOPTS applied in the user's shell only (it traces the BASH_ENV it sources)");
    }
  }

  @Test
  void exportedFunctionsReachTheUserShellOnly() throws Exception {
    for (LoggerConfig l : List.of(LoggerConfig.defaults(),
        logger(Destination.FILE, Mode.ROTATE, null))) {
      Map<String, String> env = baseEnv(sandbox);
      // Were they imported by the coordinator or a pump, the exit record and the logs would
      // be garbage (and the exit never reported).
      env.put("BASH_FUNC_printf%%", "() { builtin echo hijacked; }");
      env.put("BASH_FUNC_head%%", "() { builtin echo hijacked; }");
      env.put("BASH_FUNC_greet%%", "() { builtin echo \"hello $1\"; }");
      RunRef ref = platform.launch(request("greet world", l, env), events);
      assertEquals(0, awaitExit(ref).returnCode(), l.toString());
      assertTrue(new LogPumpDrain(new ProcTable(), new Owner(ProcTable.currentUid()), TASK, 0,
          Clock.SYSTEM).await(java.time.Duration.ofSeconds(30)));
      assertEquals("hello world\n", Files.readString(logDir().resolve("stdout")), l.toString());
    }
  }

  @Test
  void theProfileWinsOverTheRunnersBashEnv() throws Exception {
    Path rc = Files.writeString(dir.resolve("rc"), "echo runner-bash-env\n");
    Path profile = Files.writeString(sandbox.resolve(".thermos_profile"), "echo profile\n");
    Map<String, String> env = baseEnv(sandbox);
    env.put("BASH_ENV", rc.toString());
    RunRef ref = platform.launch(new LaunchRequest("p", 0, "true", env, sandbox, profile,
        sandbox.resolve(".logs/p/0"), LoggerConfig.defaults()), events);
    assertEquals(0, awaitExit(ref).returnCode());
    assertEquals("profile\n", Files.readString(sandbox.resolve(".logs/p/0/stdout")));
  }
}
