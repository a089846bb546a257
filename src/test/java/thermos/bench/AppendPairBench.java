package thermos.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The fsynced-append comparison with both sides interleaved, so that load from elsewhere on the
 * machine (and the disk's own drift) hits both alike: each operation is one writer append and
 * one raw write + force of the same bytes, each timed. The counters give total nanoseconds of
 * each side per iteration; fsynced rate / raw rate = rawNanos / writerNanos.
 */
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AppendPairBench {
  /** Per-iteration totals, reported by JMH next to the score. */
  @AuxCounters(AuxCounters.Type.EVENTS)
  @State(Scope.Thread)
  public static class Split {
    public long writerNanos;
    public long rawNanos;
    public long pairs;

    @Setup(Level.Iteration)
    public void reset() {
      writerNanos = 0;
      rawNanos = 0;
      pairs = 0;
    }
  }

  @Benchmark
  public long pair(AppendBench.Files f, Split split) throws IOException {
    // Alternate which side goes first, so neither always follows the other's fsync.
    boolean writerFirst = (split.pairs++ & 1) == 0;
    long t0 = System.nanoTime();
    long r = writerFirst ? f.fsynced.append(f.record) : raw(f);
    long t1 = System.nanoTime();
    r += writerFirst ? raw(f) : f.fsynced.append(f.record);
    long t2 = System.nanoTime();
    split.writerNanos += writerFirst ? t1 - t0 : t2 - t1;
    split.rawNanos += writerFirst ? t2 - t1 : t1 - t0;
    return r;
  }

  private static long raw(AppendBench.Files f) throws IOException {
    ByteBuffer b = f.frame.duplicate();
    long at = f.rawPosition;
    while (b.hasRemaining()) {
      at += f.raw.write(b, at);
    }
    f.raw.force(false);
    f.rawPosition = at;
    return at;
  }
}
