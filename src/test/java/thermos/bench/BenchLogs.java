package thermos.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import thermos.ckpt.CheckpointWriter;
import thermos.ckpt.SyncPolicy;
import thermos.proto.ProcessState;
import thermos.proto.ProcessStatus;
import thermos.proto.RunnerCkpt;
import thermos.proto.RunnerHeader;
import thermos.proto.TaskState;
import thermos.proto.TaskStatus;

/** Realistic checkpoint logs of any length for the benchmarks, and scratch directories. */
final class BenchLogs {
  private BenchLogs() {}

  /** A scratch directory on the project's disk (not a tmpfs), so fsync is real. */
  static Path scratch(String name) throws IOException {
    Path base = Files.createDirectories(Path.of("target", "bench-tmp"));
    return Files.createTempDirectory(base, name);
  }

  static void delete(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** A typical ~100-byte record: a RUNNING update with pid and start time. */
  static RunnerCkpt runningRecord(long seq) {
    return RunnerCkpt.newBuilder().setProcessStatus(ProcessStatus.newBuilder()
        .setSeq(seq).setProcess("webserver_main_process").setState(ProcessState.RUNNING)
        .setStartTime(1_700_000_000.123).setPid(123_456).setCoordinatorPid(123_400)
        .setForkTime(1_700_000_000.001)).build();
  }

  /**
   * Writes a log of exactly {@code records} records: ACTIVE, the header, then eight daemon-like
   * processes cycling WAITING, FORKED, RUNNING, SUCCESS, with a duplicate ACTIVE every 1000.
   */
  static void writeLog(Path log, long records) throws IOException {
    CheckpointWriter.Options batched =
        CheckpointWriter.Options.defaults().withSyncPolicy(SyncPolicy.BATCHED);
    try (CheckpointWriter w = CheckpointWriter.open(log, batched, r -> { })) {
      w.append(task(0));
      w.append(RunnerCkpt.newBuilder().setRunnerHeader(RunnerHeader.newBuilder()
          .setTaskId("bench").setLaunchTimeMs(1_700_000_000_000L).setSandbox("/sandbox/bench")
          .setHostname("host").setUser("user").putPorts("http", 8080)).build());
      long[] seq = new long[8];
      long written = 2;
      int p = 0;
      while (written < records) {
        if (written % 1000 == 0) {
          w.append(task(written));
        } else {
          long s = seq[p]++;
          w.append(processRecord("proc" + p, s));
          if (s % 4 == 3) {
            p = (p + 1) % seq.length;
          }
        }
        written++;
      }
    }
    Files.deleteIfExists(CheckpointWriter.lockFileOf(log));
  }

  private static RunnerCkpt task(long n) {
    return RunnerCkpt.newBuilder().setTaskStatus(TaskStatus.newBuilder()
        .setState(TaskState.ACTIVE).setTimestampMs(1_700_000_000_000L + n)
        .setRunnerPid(4242).setRunnerUid(1000)).build();
  }

  private static RunnerCkpt processRecord(String name, long seq) {
    ProcessStatus.Builder b = ProcessStatus.newBuilder().setProcess(name).setSeq(seq);
    double t = 1_700_000_000 + seq * 0.5;
    switch ((int) (seq % 4)) {
      case 0 -> b.setState(ProcessState.WAITING);
      case 1 -> b.setState(ProcessState.FORKED).setForkTime(t).setCoordinatorPid(20_000);
      case 2 -> b.setState(ProcessState.RUNNING).setStartTime(t).setPid(20_001);
      default -> b.setState(ProcessState.SUCCESS).setStopTime(t).setReturnCode(0);
    }
    return RunnerCkpt.newBuilder().setProcessStatus(b).build();
  }
}
