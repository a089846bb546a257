package thermos.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import thermos.ckpt.TaskPath;
import thermos.ckpt.golden.GoldenLogs;
import thermos.ckpt.golden.Scenarios;
import thermos.ckpt.golden.Scenarios.Scenario;
import thermos.cli.ScanAccess;
import thermos.cli.ThermosCli;
import thermos.proto.TaskSummary;

/**
 * {@code status} over 10,000 task directories (golden logs, round robin, half of them finished).
 * {@code main(ROOT [N])} builds such a root for timing {@code java -jar target/thermos.jar
 * status --root ROOT} end to end. Target: <= 1 s.
 */
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
public class StatusScanBench {
  static final int TASKS = 10_000;

  private Path root;

  public static void main(String[] args) throws IOException {
    Path root = Path.of(args[0]);
    int tasks = args.length > 1 ? Integer.parseInt(args[1]) : TASKS;
    build(root, tasks);
    System.out.println("built " + tasks + " tasks under " + root);
  }

  /** A checkpoint root with {@code tasks} tasks, each a copy of a golden log. */
  static void build(Path root, int tasks) throws IOException {
    TaskPath paths = new TaskPath(root);
    List<Scenario> scenarios = Scenarios.all();
    List<byte[]> logs = new java.util.ArrayList<>();
    for (Scenario s : scenarios) {
      logs.add(Files.readAllBytes(GoldenLogs.DIR.resolve(s.name()).resolve(GoldenLogs.LOG)));
    }
    Files.createDirectories(paths.tasksDir(TaskPath.TaskFileState.ACTIVE));
    Files.createDirectories(paths.tasksDir(TaskPath.TaskFileState.FINISHED));
    for (int i = 0; i < tasks; i++) {
      String id = String.format("1700000000000-www-data-job%05d-0-%08x", i, i * 2654435761L);
      Files.createDirectories(paths.checkpointDir(id));
      Files.write(paths.runnerCheckpoint(id), logs.get(i % logs.size()));
      Path sentinel = i % 2 == 0 ? paths.activeTaskFile(id) : paths.finishedTaskFile(id);
      Files.writeString(sentinel, "{\"name\": \"job\"}");
    }
  }

  @Setup(Level.Trial)
  public void build() throws IOException {
    root = BenchLogs.scratch("status");
    build(root, TASKS);
  }

  @TearDown(Level.Trial)
  public void delete() throws IOException {
    BenchLogs.delete(root);
  }

  /** Listing and replaying every task (truncate mode), as {@code status} does. */
  @Benchmark
  public List<TaskSummary> scan() throws IOException {
    List<TaskSummary> tasks = ScanAccess.scan(root);
    if (tasks.size() != TASKS) {
      throw new IllegalStateException("scanned " + tasks.size());
    }
    return tasks;
  }

  /** The whole command in-process, printing JSON to nowhere. */
  @Benchmark
  public int statusJson() {
    PrintWriter sink = new PrintWriter(Writer.nullWriter());
    return ThermosCli.run(new String[] {"status", "--root", root.toString(), "--json"}, sink,
        sink);
  }

  /** The human output, which also looks up each checkpoint's owner. */
  @Benchmark
  public int statusHuman() {
    PrintWriter sink = new PrintWriter(Writer.nullWriter());
    return ThermosCli.run(new String[] {"status", "--root", root.toString()}, sink, sink);
  }
}
