package thermos.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
import thermos.ckpt.CheckpointFormat;
import thermos.ckpt.CheckpointWriter;
import thermos.ckpt.SyncPolicy;
import thermos.proto.RunnerCkpt;

/**
 * Appending: the fsynced (default) policy against a raw {@code FileChannel.write} + {@code
 * force} of the very same framed bytes, in the same run; and the batched policy's throughput.
 * Target: fsynced >= 90% of the raw rate; batched >= 1M records/s.
 */
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class AppendBench {
  /** One log per iteration, so the file stays small and the iterations alike. */
  @State(Scope.Thread)
  public static class Files {
    Path dir;
    RunnerCkpt record;
    ByteBuffer frame;
    CheckpointWriter fsynced;
    CheckpointWriter batched;
    FileChannel raw;
    long rawPosition;

    @Setup(Level.Iteration)
    public void open() throws IOException {
      dir = BenchLogs.scratch("append");
      record = BenchLogs.runningRecord(7);
      byte[] payload = record.toByteArray();
      frame = ByteBuffer.allocate(CheckpointFormat.HEADER_BYTES + payload.length)
          .putInt(payload.length).putInt(CheckpointFormat.crc32c(payload, 0, payload.length))
          .put(payload).flip();
      fsynced = CheckpointWriter.open(dir.resolve("fsynced"));
      batched = CheckpointWriter.open(dir.resolve("batched"), CheckpointWriter.Options
          .defaults().withSyncPolicy(SyncPolicy.BATCHED), r -> { });
      raw = FileChannel.open(dir.resolve("raw"), StandardOpenOption.CREATE,
          StandardOpenOption.READ, StandardOpenOption.WRITE);
      rawPosition = 0;
    }

    @TearDown(Level.Iteration)
    public void close() throws IOException {
      fsynced.close();
      batched.close();
      raw.close();
      BenchLogs.delete(dir);
    }
  }

  /** The writer's default policy: frame, CRC, positional write, fdatasync. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public long fsyncedAppend(Files f) throws IOException {
    return f.fsynced.append(f.record);
  }

  /** The floor: the same bytes, already framed, written and forced the same way. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public long rawWriteForce(Files f) throws IOException {
    ByteBuffer b = f.frame.duplicate();
    long at = f.rawPosition;
    while (b.hasRemaining()) {
      at += f.raw.write(b, at);
    }
    f.raw.force(false);
    f.rawPosition = at;
    return at;
  }

  /** Batched policy: appends buffered and written in 256 KiB batches, synced at close. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public long batchedAppend(Files f) throws IOException {
    return f.batched.append(f.record);
  }
}
