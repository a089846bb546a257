package thermos.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.io.file.PathUtils;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import thermos.ckpt.CheckpointFiles;
import thermos.ckpt.CheckpointRecord;
import thermos.ckpt.CheckpointWriter;
import thermos.ckpt.LogReplay;
import thermos.ckpt.RecordSource;
import thermos.ckpt.SyncPolicy;
import thermos.ckpt.legacy.ThriftEncoder;
import thermos.proto.ProcessState;
import thermos.proto.ProcessStatus;
import thermos.proto.RunnerCkpt;
import thermos.proto.RunnerHeader;
import thermos.proto.TaskState;
import thermos.proto.TaskStatus;

/**
 * Reading a legacy Thermos log against reading ours holding the same records (issue 5: legacy
 * within 2x of ours). The records repeat the fixtures' shape: a TaskStatus and a header, then
 * runs of three processes (WAITING, FORKED, RUNNING, SUCCESS or FAILED), 100k records in all.
 * {@code replay*} goes through format detection and the dispatcher, as `read` and `status` do;
 * {@code read*} only decodes records.
 *
 * <p>Run: {@code mvn -B -q test-compile exec:exec -Pbench -Dbench.args='LegacyRead -f 1 -wi 3 -i 5'}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class LegacyReadBenchmark {
  @Param("100000")
  public int records;

  private Path dir;
  private Path legacy;
  private Path ours;

  @Setup(Level.Trial)
  public void write() throws IOException {
    dir = Files.createTempDirectory("legacy-bench");
    List<RunnerCkpt> log = records(records);
    legacy = Files.write(dir.resolve("legacy"), ThriftEncoder.log(log));
    ours = dir.resolve("ours");
    try (CheckpointWriter w = CheckpointWriter.open(ours, CheckpointWriter.Options.defaults()
        .withSyncPolicy(SyncPolicy.BATCHED), r -> {})) {
      for (RunnerCkpt r : log) {
        w.append(r);
      }
    }
    // Same records, same outcome: otherwise the comparison means nothing.
    if (!LogReplay.replay(legacy, false).state().toProto()
        .equals(LogReplay.replay(ours, false).state().toProto())) {
      throw new IllegalStateException("the two logs do not replay to the same state");
    }
  }

  @TearDown(Level.Trial)
  public void delete() throws IOException {
    PathUtils.deleteDirectory(dir);
  }

  @Benchmark
  public Object replayLegacy() throws IOException {
    return replay(legacy);
  }

  @Benchmark
  public Object replayOurs() throws IOException {
    return replay(ours);
  }

  @Benchmark
  public long readLegacy() throws IOException {
    return read(legacy);
  }

  @Benchmark
  public long readOurs() throws IOException {
    return read(ours);
  }

  private Object replay(Path log) throws IOException {
    LogReplay.Result r = LogReplay.replay(log, false);
    if (r.records() != records || !r.clean()) {
      throw new IllegalStateException("replayed " + r.records() + " records: " + r.problem());
    }
    return r.state();
  }

  private static long read(Path log) throws IOException {
    long n = 0;
    try (RecordSource s = CheckpointFiles.open(log, 0)) {
      for (CheckpointRecord r = s.next(); r != null; r = s.next()) {
        n += r.payloadBytes();
      }
    }
    return n;
  }

  /** {@code n} records shaped like the fixtures', valid for the dispatcher. */
  static List<RunnerCkpt> records(int n) {
    List<RunnerCkpt> out = new ArrayList<>(n);
    out.add(task(TaskState.ACTIVE, 1337097948133L));
    out.add(RunnerCkpt.newBuilder().setRunnerHeader(RunnerHeader.newBuilder()
        .setTaskId("bench").setLaunchTimeMs(1337097948131L).setSandbox("/tmp/thermos/sandbox")
        .setHostname("wickman-2.local").setUser("wickman").putPorts("http", 50000)).build());
    String[] names = {"p1", "p2", "p3"};
    long[] seq = new long[names.length];
    double t = 1337097948.0;
    for (int run = 0; out.size() < n; run++) {
      int i = run % names.length;
      ProcessStatus.Builder base = ProcessStatus.newBuilder().setProcess(names[i]);
      boolean failed = run % 5 == 0;
      out.add(process(base.clone().setSeq(seq[i]++).setState(ProcessState.WAITING)));
      out.add(process(base.clone().setSeq(seq[i]++).setState(ProcessState.FORKED)
          .setForkTime(t += 0.1).setCoordinatorPid(40000 + run % 20000)));
      out.add(process(base.clone().setSeq(seq[i]++).setState(ProcessState.RUNNING)
          .setStartTime(t += 0.1).setPid(43000 + run % 20000)));
      out.add(process(base.clone().setSeq(seq[i]++)
          .setState(failed ? ProcessState.FAILED : ProcessState.SUCCESS)
          .setStopTime(t += 0.1).setReturnCode(failed ? 1 : 0)));
    }
    return out.subList(0, n);
  }

  private static RunnerCkpt task(TaskState state, long ts) {
    return RunnerCkpt.newBuilder().setTaskStatus(TaskStatus.newBuilder().setState(state)
        .setTimestampMs(ts).setRunnerPid(43480).setRunnerUid(501)).build();
  }

  private static RunnerCkpt process(ProcessStatus.Builder p) {
    return RunnerCkpt.newBuilder().setProcessStatus(p).build();
  }
}
