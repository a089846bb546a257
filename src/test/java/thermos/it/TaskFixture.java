package thermos.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import thermos.ckpt.States;
import thermos.ckpt.TaskPath;
import thermos.monitor.TaskMonitor;
import thermos.proto.ProcessState;
import thermos.proto.RunnerState;

/**
 * A task directory for integration tests: a checkpoint root, a sandbox, the task JSON, a runner
 * JVM when needed, and condition waits with deadlines (woken by checkpoint events).
 */
final class TaskFixture implements AutoCloseable {
  static final Duration DEADLINE = Duration.ofSeconds(30);

  /** The latest run of {@code process} is RUNNING. */
  static boolean running(RunnerState s, String process) {
    var h = s.getProcessesMap().get(process);
    return h != null && h.getRuns(h.getRunsCount() - 1).getState() == ProcessState.RUNNING;
  }

  /** The task's latest status is terminal. */
  static boolean terminal(RunnerState s) {
    return s.getStatusesCount() > 0
        && States.isTerminal(s.getStatuses(s.getStatusesCount() - 1).getState());
  }

  final Path dir;
  final Path root;
  final Path sandbox;
  final String taskId;
  final TaskPath paths;
  final TaskMonitor monitor;
  private final List<Process> runners = new ArrayList<>();

  TaskFixture(Path dir, String taskId) {
    this.dir = dir;
    this.root = dir.resolve("root");
    this.sandbox = dir.resolve("sandbox");
    this.taskId = taskId;
    this.paths = new TaskPath(root);
    this.monitor = new TaskMonitor(paths, taskId);
  }

  Path writeTask(String json) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(taskId + ".json");
    Files.writeString(file, json, StandardCharsets.UTF_8);
    return file;
  }

  /** The command line of a runner JVM for this task (the test classpath, no jar needed). */
  List<String> runnerCommand(Path taskJson, String... extra) {
    return runnerCommand(List.of(), taskJson, extra);
  }

  List<String> runnerCommand(List<String> jvmArgs, Path taskJson, String... extra) {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    cmd.addAll(jvmArgs);
    cmd.addAll(List.of(
        "-cp", System.getProperty("java.class.path"), "thermos.cli.ThermosCli", "runner",
        "--task-json", taskJson.toString(), "--checkpoint-root", root.toString(),
        "--sandbox", sandbox.toString(), "--task-id", taskId));
    cmd.addAll(List.of(extra));
    return cmd;
  }

  /** Starts a runner JVM; its output goes to a file in the test directory. */
  Process startRunner(Path taskJson, String... extra) throws IOException {
    return startRunner(List.of(), taskJson, extra);
  }

  Process startRunner(List<String> jvmArgs, Path taskJson, String... extra) throws IOException {
    return startRunner(Map.of(), jvmArgs, taskJson, extra);
  }

  /** A runner JVM with {@code env} added to its environment. */
  Process startRunner(Map<String, String> env, List<String> jvmArgs, Path taskJson,
      String... extra) throws IOException {
    Path log = dir.resolve("runner-" + runners.size() + ".log");
    ProcessBuilder pb = new ProcessBuilder(runnerCommand(jvmArgs, taskJson, extra))
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    runners.add(p);
    return p;
  }

  /**
   * Starts {@code thermos ARGS...} in a JVM of its own, output to a log like a runner's, with
   * SIGINT at its default (as in a terminal; a background job of a non-interactive shell, such
   * as a CI step, inherits it ignored, and a JVM cannot handle a signal ignored at its start).
   */
  Process startCli(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("env", "--default-signal=INT",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), "thermos.cli.ThermosCli"));
    cmd.addAll(List.of(args));
    Files.createDirectories(dir);
    Path log = dir.resolve("runner-" + runners.size() + ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
        .start();
    runners.add(p);
    return p;
  }

  String runnerLogs() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < runners.size(); i++) {
      Path log = dir.resolve("runner-" + i + ".log");
      if (Files.exists(log)) {
        sb.append("--- runner ").append(i).append(" ---\n").append(Files.readString(log));
      }
    }
    return sb.toString();
  }

  /** Waits (on checkpoint events) until the replayed state satisfies {@code condition}. */
  RunnerState await(String what, Predicate<RunnerState> condition) throws Exception {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (true) {
      RunnerState s = monitor.getState();
      if (condition.test(s)) {
        return s;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        fail("timed out waiting for " + what + "; state:\n" + s + "\n" + runnerLogs());
      }
      monitor.awaitChange(Duration.ofNanos(Math.min(left, Duration.ofMillis(500).toNanos())));
    }
  }

  /**
   * Waits until {@code condition} holds for something no event reports (a file another process
   * writes), looking again every few ms; fails at the deadline.
   */
  void awaitCondition(String what, java.util.function.BooleanSupplier condition)
      throws Exception {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out waiting for " + what + "\n" + runnerLogs());
      }
      java.util.concurrent.locks.LockSupport.parkNanos(2_000_000L);
    }
  }

  /** Waits for a runner JVM to exit and returns its exit code. */
  int awaitExit(Process p) throws Exception {
    if (!p.waitFor(DEADLINE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
      fail("runner did not exit in " + DEADLINE + "\n" + runnerLogs());
    }
    return p.exitValue();
  }

  /**
   * The live processes of this task: environment holds THERMOS_TASK_ID=ID and state is not Z.
   * Orphans re-parented to PID 1 may be reaped late; zombies are dead, so they do not count.
   */
  List<Integer> liveTaskProcesses() throws IOException {
    return liveProcessesMarked("THERMOS_TASK_ID");
  }

  /** The task's live log pumps (THERMOS_LOG_PUMP=ID), which are not task processes. */
  List<Integer> liveLogPumps() throws IOException {
    return liveProcessesMarked("THERMOS_LOG_PUMP");
  }

  private List<Integer> liveProcessesMarked(String variable) throws IOException {
    List<Integer> live = new ArrayList<>();
    byte[] marker = (variable + "=" + taskId + "\0").getBytes(StandardCharsets.UTF_8);
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"))) {
      for (Path p : procs) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          byte[] env = Files.readAllBytes(p.resolve("environ"));
          if (contains(env, marker) && !isZombie(p)) {
            live.add(Integer.parseInt(name));
          }
        } catch (IOException e) {
          // gone, or not ours to read
        }
      }
    }
    return live;
  }

  /** Waits until no process of the task is alive (SIGKILL takes effect asynchronously). */
  void assertNoProcessLeft() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    List<Integer> live = liveTaskProcesses();
    while (!live.isEmpty() && System.nanoTime() < deadline) {
      // Non-children give no exit event: re-read /proc until the deadline.
      java.util.concurrent.locks.LockSupport.parkNanos(2_000_000L);
      live = liveTaskProcesses();
    }
    if (!live.isEmpty()) {
      fail("processes of task " + taskId + " still alive: " + live);
    }
  }

  private static boolean isZombie(Path proc) throws IOException {
    String stat = Files.readString(proc.resolve("stat"));
    int close = stat.lastIndexOf(')');
    char state = stat.charAt(close + 2);
    return state == 'Z' || state == 'X';
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (i > 0 && haystack[i - 1] != 0) {
        continue;
      }
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  @Override
  public void close() {
    monitor.close();
    for (Process p : runners) {
      p.destroyForcibly();
    }
  }
}
