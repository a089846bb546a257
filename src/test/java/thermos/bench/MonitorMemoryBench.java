package thermos.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import thermos.ckpt.TaskPath;
import thermos.monitor.TaskMonitor;

/**
 * Heap a TaskMonitor retains after replaying a log, by log length, in truncate and full mode.
 * The score is the replay time of one fresh monitor; the retained heap is printed after each
 * iteration as "retained: ..." (measured after full GCs, monitor still reachable). Target: in
 * truncate mode it does not grow with the log.
 */
@Fork(value = 1, jvmArgs = {"-Xmx4g", "-XX:+UseParallelGC"})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
public class MonitorMemoryBench {
  @Param({"10000", "1000000"})
  public int records;

  @Param({"true", "false"})
  public boolean truncate;

  private Path root;
  private TaskPath paths;
  private long baseline;
  private TaskMonitor monitor;

  @Setup(Level.Trial)
  public void write() throws IOException {
    root = BenchLogs.scratch("memory");
    paths = new TaskPath(root);
    Files.createDirectories(paths.checkpointDir("bench"));
    BenchLogs.writeLog(paths.runnerCheckpoint("bench"), records);
  }

  @TearDown(Level.Trial)
  public void delete() throws IOException {
    BenchLogs.delete(root);
  }

  @Setup(Level.Iteration)
  public void measureBaseline() {
    monitor = null;
    baseline = usedAfterGc();
  }

  @Benchmark
  public Object replay() {
    monitor = new TaskMonitor(paths, "bench", TaskMonitor.Options.defaults()
        .withTruncate(truncate));
    monitor.refresh();
    return monitor;
  }

  @TearDown(Level.Iteration)
  public void measureRetained() {
    long retained = usedAfterGc() - baseline;
    System.out.printf("%nretained: %,d bytes after %,d records (truncate=%s, position %,d)%n",
        retained, records, truncate, monitor.position());
    monitor.close();
    monitor = null;
  }

  private static long usedAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 4; i++) {
      System.gc();
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
