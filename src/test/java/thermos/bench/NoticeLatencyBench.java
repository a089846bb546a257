package thermos.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
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
import thermos.ckpt.CheckpointWriter;
import thermos.ckpt.Syncer;
import thermos.ckpt.TaskPath;
import thermos.monitor.TaskMonitor;
import thermos.proto.RunnerCkpt;
import thermos.proto.TaskState;
import thermos.proto.TaskStatus;

/**
 * Append-to-wake latency of {@code TaskMonitor.awaitChange}: each operation appends one record
 * and returns when a waiter thread, blocked in {@code awaitChange}, has returned with it. Sample
 * mode gives the percentiles. With {@code sync=none} the score is the notice latency itself
 * (plus a microsecond append and an unpark); with {@code sync=fsync} it includes the fdatasync.
 * Target: p50 <= 1 ms, p99 <= 5 ms.
 */
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class NoticeLatencyBench {
  @Param({"none", "fsync"})
  public String sync;

  private Path root;
  private CheckpointWriter writer;
  private TaskMonitor monitor;
  private Thread waiter;
  private final AtomicLong noticed = new AtomicLong();
  private volatile Thread benchThread;
  private volatile boolean running = true;
  private final RunnerCkpt record = RunnerCkpt.newBuilder().setTaskStatus(TaskStatus
      .newBuilder().setState(TaskState.ACTIVE).setTimestampMs(1).setRunnerPid(1)).build();

  @Setup(Level.Trial)
  public void start() throws IOException {
    root = BenchLogs.scratch("notice");
    TaskPath paths = new TaskPath(root);
    Files.createDirectories(paths.checkpointDir("bench"));
    Syncer syncer = sync.equals("fsync") ? Syncer.FORCE : ch -> { };
    writer = CheckpointWriter.open(paths.runnerCheckpoint("bench"),
        CheckpointWriter.Options.defaults().withSyncer(syncer), r -> { });
    writer.append(record);
    // Truncate mode: the monitor's memory stays flat however many records the run appends.
    monitor = new TaskMonitor(paths, "bench", TaskMonitor.Options.defaults().withTruncate(true));
    monitor.refresh();
    waiter = new Thread(this::waitLoop, "notice-waiter");
    waiter.setDaemon(true);
    waiter.start();
  }

  private void waitLoop() {
    try {
      while (running) {
        if (monitor.awaitChange(Duration.ofSeconds(1))) {
          noticed.incrementAndGet();
          Thread b = benchThread;
          if (b != null) {
            LockSupport.unpark(b);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    running = false;
    monitor.close();
    waiter.join(10_000);
    writer.close();
    BenchLogs.delete(root);
  }

  @Benchmark
  public long appendToWake() throws IOException {
    benchThread = Thread.currentThread();
    long before = noticed.get();
    writer.append(record);
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (noticed.get() == before) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the waiter did not notice an append within 5 s");
      }
      LockSupport.parkNanos(100_000_000L);
    }
    return noticed.get();
  }
}
