package thermos.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import thermos.ckpt.CheckpointReader;
import thermos.ckpt.CheckpointRecord;
import thermos.ckpt.LogReplay;

/**
 * Replaying a 1M-record log (CRC checked, parsed, dispatched): scores are records per second.
 * Target: >= 2.5M records/s. {@code readOnly} separates framing + CRC + parse from dispatch.
 */
@Fork(value = 1, jvmArgs = {"-Xmx4g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class ReplayBench {
  static final int RECORDS = 1_000_000;

  Path dir;
  Path log;

  @Setup(Level.Trial)
  public void write() throws IOException {
    dir = BenchLogs.scratch("replay");
    log = dir.resolve("runner");
    BenchLogs.writeLog(log, RECORDS);
    LogReplay.Result check = LogReplay.replay(log, true);
    if (!check.clean() || check.records() != RECORDS) {
      throw new IllegalStateException("bad bench log: " + check);
    }
  }

  @TearDown(Level.Trial)
  public void delete() throws IOException {
    BenchLogs.delete(dir);
  }

  /** Full replay, every run kept (what {@code read} does). */
  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public Object replayFull() throws IOException {
    return LogReplay.replay(log, false);
  }

  /** Truncate-mode replay (what {@code status} and monitors in truncate mode do). */
  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public Object replayTruncate() throws IOException {
    return LogReplay.replay(log, true);
  }

  /** Framing, CRC and protobuf parse only. */
  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public long readOnly() throws IOException {
    long n = 0;
    try (CheckpointReader r = CheckpointReader.open(log)) {
      CheckpointRecord rec;
      while ((rec = r.next()) != null) {
        n += rec.payloadBytes();
      }
    }
    return n;
  }
}
