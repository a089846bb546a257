package thermos.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import thermos.executor.RunnerLauncher;
import thermos.executor.ThermosTaskRunner;
import thermos.monitor.TaskMonitor;
import thermos.proto.TaskState;

/**
 * End-to-end latencies of the executor library with real runner JVMs (run on demand; figures
 * go in notes, never into assertions):
 *
 * <ul>
 *   <li>{@code start -> RUNNING}: start() called until the first process's RUNNING record is in
 *       the checkpoint (seen by a TaskMonitor, on file events), the runner JVM's start included
 *       — the target "start() to task RUNNING";
 *   <li>{@code start() returned}: start() until it returns (the checkpoint shows the runner has
 *       started the task);
 *   <li>{@code stop-term}: stop() of a task whose process obeys SIGTERM;
 *   <li>{@code stop-ignore}: stop() of a task whose process ignores SIGTERM, grace g.
 * </ul>
 *
 * <pre>
 * mvn -B -q -DskipTests package test-compile
 * java -cp target/test-classes:target/thermos.jar thermos.bench.ExecutorBench [N] [GRACE_MS]
 * </pre>
 *
 * N defaults to 100, so that p99 is not simply the maximum.
 */
public final class ExecutorBench {
  private ExecutorBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    long graceMs = args.length > 1 ? Long.parseLong(args[1]) : 500;
    Path jar = Path.of(System.getProperty("thermos.jar", "target/thermos.jar"));
    Path root = Files.createTempDirectory("thermos-bench");
    Path obeys = write(root, "obeys", "sleep 1000");
    Path ignores = write(root, "ignores", "trap '' TERM; touch trapped; sleep 1000");
    RunnerLauncher launcher = RunnerLauncher.defaults().withJar(jar);
    warmUp(root, obeys, launcher);
    List<Double> start = new ArrayList<>();
    List<Double> running = new ArrayList<>();
    List<Double> stopTerm = new ArrayList<>();
    List<Double> stopIgnore = new ArrayList<>();
    List<Double> runnerExit = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ThermosTaskRunner r = runner(root, obeys, "obeys-" + i, launcher, graceMs);
      long t0 = System.nanoTime();
      r.start(Duration.ofSeconds(60));
      start.add(ms(t0));
      awaitRunning(r);
      running.add(ms(t0));
      long t1 = System.nanoTime();
      check(r.stop(Duration.ofSeconds(30)).orElseThrow());
      stopTerm.add(ms(t1));
      r.runner().orElseThrow().onExit().get(30, TimeUnit.SECONDS);
      runnerExit.add(ms(t1));
      r.close();

      ThermosTaskRunner s = runner(root, ignores, "ignores-" + i, launcher, graceMs);
      s.start(Duration.ofSeconds(60));
      awaitFile(s.sandbox().resolve("trapped"));
      long t2 = System.nanoTime();
      check(s.stop(Duration.ofSeconds(30)).orElseThrow());
      stopIgnore.add(ms(t2));
      s.runner().orElseThrow().onExit().get(30, TimeUnit.SECONDS);
      s.close();
    }
    report("start -> first process RUNNING", running);
    report("start -> start() returned", start);
    report("stop, SIGTERM obeyed", stopTerm);
    report("stop -> runner exited", runnerExit);
    report("stop, SIGTERM ignored, grace " + graceMs + " ms", stopIgnore);
  }

  private static void warmUp(Path root, Path task, RunnerLauncher launcher) throws Exception {
    // The first runner creates the AppCDS archive (at its exit); the executor JVM warms up too.
    for (int i = 0; i < 3; i++) {
      ThermosTaskRunner r = runner(root, task, "warmup-" + i, launcher, 500);
      r.start(Duration.ofSeconds(60));
      r.stop(Duration.ofSeconds(30));
      r.runner().orElseThrow().onExit().get(60, TimeUnit.SECONDS);
      r.close();
    }
  }

  private static ThermosTaskRunner runner(Path root, Path task, String id,
      RunnerLauncher launcher, long graceMs) {
    return ThermosTaskRunner.builder(task, id, root.resolve("sb").resolve(id), root)
        .launcher(launcher).preemptionWait(Duration.ofMillis(graceMs))
        .stopTimeout(Duration.ofSeconds(30)).build();
  }

  private static Path write(Path root, String name, String cmdline) throws Exception {
    Path f = root.resolve(name + ".json");
    Files.writeString(f, "{\"name\": \"" + name + "\", \"processes\": [{\"name\": \"" + name
        + "\", \"cmdline\": \"" + cmdline + "\"}], \"finalization_wait\": 5}");
    return f;
  }

  /** Until the checkpoint holds a RUNNING record, on file events (TaskMonitor.awaitChange). */
  private static void awaitRunning(ThermosTaskRunner r) throws InterruptedException {
    try (TaskMonitor monitor = new TaskMonitor(r.paths(), r.taskId())) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (monitor.activeProcesses().isEmpty()) { // the processes whose latest run is RUNNING
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException("no running process in " + r.taskId());
        }
        monitor.awaitChange(Duration.ofNanos(left));
      }
    }
  }

  private static void awaitFile(Path f) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(f)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no " + f);
      }
      java.util.concurrent.locks.LockSupport.parkNanos(2_000_000L); // polls a condition, with a deadline
    }
  }

  private static void check(TaskState s) {
    if (s != TaskState.KILLED) {
      throw new IllegalStateException("stopped as " + s);
    }
  }

  private static double ms(long since) {
    return (System.nanoTime() - since) / 1e6;
  }

  private static void report(String what, List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    System.out.printf(Locale.ROOT, "%-40s n=%3d  p50 %8.1f ms  p90 %8.1f ms  p99 %8.1f ms"
        + "  max %8.1f ms%n", what, s.size(), pct(s, 50), pct(s, 90), pct(s, 99),
        s.get(s.size() - 1));
  }

  private static double pct(List<Double> sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }
}
