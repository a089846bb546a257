package thermos.cli;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import thermos.ckpt.States;
import thermos.ckpt.TaskPath;
import thermos.monitor.DirectoryWatcher;
import thermos.monitor.TaskDetector;
import thermos.monitor.TaskDetector.ProcessRun;
import thermos.monitor.TaskMonitor;
import thermos.proto.ProcessState;
import thermos.proto.ProcessStatus;
import thermos.proto.RunnerHeader;
import thermos.proto.RunnerState;

/** {@code tail}: show (and with -f follow) the latest log of a task's process. */
@Command(name = "tail", mixinStandardHelpOptions = true,
    description = "Show the latest run's log of a process; -f follows it while the run is active.")
final class TailCommand implements Callable<Integer> {
  private static final int LINES = 10;

  @Spec CommandSpec spec;
  @Mixin RootOption root;
  @Mixin Verbosity verbosity;

  @Option(names = "--stderr", description = "Show stderr instead of stdout.")
  boolean stderr;

  @Option(names = {"-f", "--follow"}, description = "Keep printing while the run is active.")
  boolean follow;

  @Parameters(index = "0", paramLabel = "TASK_ID", description = "The task.")
  String taskId;

  @Parameters(index = "1", arity = "0..1", paramLabel = "PROCESS",
      description = "The process (required if the task has several).")
  String process;

  @Override
  public Integer call() throws IOException, InterruptedException {
    TaskPath paths = root.paths();
    try {
      TaskPath.validTaskId(taskId);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.USAGE, e.getMessage());
    }
    if (!Files.exists(paths.runnerCheckpoint(taskId))) {
      throw new CliException(ExitCodes.NOT_FOUND, "could not find task '" + taskId + "' under "
          + paths.root());
    }
    try (TaskMonitor monitor = new TaskMonitor(paths, taskId)) {
      RunnerState state = monitor.getState();
      Path logDir = logDir(paths, state);
      ProcessRun latest = latestRun(new TaskDetector(paths), logDir);
      Path file = TaskPath.processLogDir(logDir, latest.process(), latest.run())
          .resolve(stderr ? "stderr" : "stdout");
      PrintWriter out = spec.commandLine().getOut();
      boolean active = isActive(state, latest);
      // On stderr, so that stdout carries the log's bytes only (tail -f | grep, > file).
      PrintWriter err = spec.commandLine().getErr();
      err.println("Tail of " + (active ? "active" : "terminal") + " log " + file
          + " (checkpoint format: " + (monitor.format() == null ? "unknown" : monitor.format())
          + ")");
      err.flush();
      long offset = printTail(file, out);
      // Follows until the run ends (then prints what is left and exits): woken by the log's
      // directory (the file grows) and by the checkpoint (the run's end).
      try (Closeable growth = follow && active ? watchGrowth(file.getParent(), monitor) : null) {
        while (follow && active) {
          monitor.awaitChange(FALLBACK_POLL);
          active = isActive(monitor.getState(), latest);
          offset = copyFrom(file, offset, out);
        }
      }
      return ExitCodes.OK;
    }
  }

  /** Without file events (none for the log's directory), look again this often. */
  private static final Duration FALLBACK_POLL = Duration.ofMillis(200);

  /** Wakes {@code monitor}'s waiters when anything in {@code dir} changes; null if it cannot. */
  private static Closeable watchGrowth(Path dir, TaskMonitor monitor) {
    try {
      return DirectoryWatcher.of(dir.getFileSystem()).watch(dir, name -> monitor.nudge());
    } catch (IOException e) {
      return null;
    }
  }

  /** The header's log dir; legacy Thermos roots kept logs under ROOT/logs/TASK_ID. */
  private Path logDir(TaskPath paths, RunnerState state) {
    RunnerHeader h = state.getHeader();
    if (h.hasLogDir()) {
      return Path.of(h.getLogDir());
    }
    Path legacy = paths.root().resolve("logs").resolve(taskId);
    if (Files.isDirectory(legacy) || !h.hasSandbox()) {
      return legacy;
    }
    return TaskPath.defaultLogDir(Path.of(h.getSandbox()));
  }

  private ProcessRun latestRun(TaskDetector detector, Path logDir) throws IOException {
    List<ProcessRun> runs = detector.processRuns(logDir);
    Set<String> names = new LinkedHashSet<>();
    ProcessRun latest = null;
    for (ProcessRun r : runs) {
      if (process == null || r.process().equals(process)) {
        names.add(r.process());
        if (latest == null || !latest.process().equals(r.process()) || r.run() > latest.run()) {
          latest = r;
        }
      }
    }
    if (latest == null) {
      throw new CliException(ExitCodes.NOT_FOUND, "no process logs found"
          + (process == null ? "" : " for process '" + process + "'") + " in " + logDir);
    }
    if (names.size() > 1) {
      throw new CliException(ExitCodes.USAGE, "more than one process matches; name one of: "
          + String.join(", ", names));
    }
    return latest;
  }

  /** True while {@code run} is the process's current run and not terminal. */
  private static boolean isActive(RunnerState state, ProcessRun run) {
    var history = state.getProcessesMap().get(run.process());
    if (history == null || history.getRunsCount() != run.run() + 1) {
      return false;
    }
    ProcessStatus last = history.getRuns(run.run());
    return !States.isTerminal(last.getState()) && last.getState() != ProcessState.WAITING;
  }

  /** Prints the last lines of {@code file}; returns its length (where following resumes). */
  private static long printTail(Path file, PrintWriter out) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    long size = Files.size(file);
    long from = Math.max(0, size - 64 * 1024);
    byte[] data = read(file, from, size);
    int lines = 0;
    int start = data.length;
    for (int i = data.length - 1; i >= 0; i--) {
      if (data[i] == '\n' && i != data.length - 1 && ++lines == LINES) {
        break;
      }
      start = i;
    }
    out.print(new String(data, start, data.length - start, StandardCharsets.UTF_8));
    out.flush();
    return size;
  }

  private static long copyFrom(Path file, long offset, PrintWriter out) throws IOException {
    if (!Files.exists(file)) {
      return offset;
    }
    long size = Files.size(file);
    if (size < offset) {
      offset = 0; // rotated or truncated: start over
    }
    if (size > offset) {
      out.print(new String(read(file, offset, size), StandardCharsets.UTF_8));
      out.flush();
    }
    return size;
  }

  private static byte[] read(Path file, long from, long to) throws IOException {
    try (SeekableByteChannel ch = Files.newByteChannel(file)) {
      ch.position(from);
      ByteBuffer buf = ByteBuffer.allocate((int) (to - from));
      while (buf.hasRemaining() && ch.read(buf) > 0) {
        // keep reading
      }
      return java.util.Arrays.copyOf(buf.array(), buf.position());
    }
  }
}
