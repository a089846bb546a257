package thermos.executor;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import thermos.ckpt.LogReplay;
import thermos.ckpt.ReplayState;
import thermos.ckpt.TaskPath;
import thermos.proto.ProcessStatus;
import thermos.proto.RunnerHeader;
import thermos.runner.local.LocalProcessPlatform;
import thermos.runner.local.ProcInfo;
import thermos.runner.local.ProcTable;

/**
 * What a task may leave alive, found two ways: the {@code THERMOS_TASK_ID} marker in a
 * process's environment, and the session of one of the task's coordinators (each run's
 * coordinator leads its own session, and its FORKED record carries its pid) — so a process that
 * cleared its environment is still found. Zombies are dead: they count as gone.
 */
final class Leftovers {
  /** Once the stop has returned and the runner exited, the task's processes are gone: short. */
  static final Duration PROCESS_EXIT = Duration.ofSeconds(2);

  private Leftovers() {}

  /** No process of the task is alive, a moment after the stop (SIGKILL is asynchronous). */
  static void assertNone(TaskPath paths, String taskId, Set<Integer> knownSessions) {
    Set<Integer> sessions = new TreeSet<>(knownSessions);
    sessions.addAll(sessionsOf(paths, taskId));
    double since = launchTime(paths, taskId) - 1;
    awaitGone("the processes of " + taskId + " (sessions " + sessions + ")",
        () -> processesOf(taskId, sessions, since), PROCESS_EXIT);
  }

  /**
   * The task's live processes: its marker in their environment, or (ours, started since {@code
   * since}) their session in {@code sessions}.
   */
  static List<ProcInfo> processesOf(String taskId, Set<Integer> sessions, double since) {
    ProcTable procs = new ProcTable();
    int uid = ProcTable.currentUid();
    return procs.all().stream().filter(ProcInfo::isAlive)
        .filter(p -> procs.hasEnvironment(p.pid(), LocalProcessPlatform.TASK_MARKER, taskId)
            || (sessions.contains(p.session()) && p.startTime() >= since
                && procs.realUid(p.pid()).orElse(-1) == uid))
        .toList();
  }

  /** Every coordinator pid the task's FORKED records carry: the sessions of its processes. */
  static Set<Integer> sessionsOf(TaskPath paths, String taskId) {
    Path log = paths.runnerCheckpoint(taskId);
    Set<Integer> sessions = new TreeSet<>();
    if (!Files.exists(log)) {
      return sessions;
    }
    try {
      ReplayState state = LogReplay.replay(log, false).state();
      for (String process : state.processNames()) {
        for (ProcessStatus run : state.runs(process)) {
          if (run.hasCoordinatorPid()) {
            sessions.add(run.getCoordinatorPid());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sessions;
  }

  /** When the task was launched (seconds since the epoch), from its header; 0 if unknown. */
  static double launchTime(TaskPath paths, String taskId) {
    try {
      RunnerHeader h = LogReplay.replay(paths.runnerCheckpoint(taskId), false).state().header();
      return h != null && h.hasLaunchTimeMs() ? h.getLaunchTimeMs() / 1000.0 : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** Live runner JVMs of the task (found by their command line). */
  static List<ProcInfo> runnersOf(String taskId) {
    ProcTable procs = new ProcTable();
    return procs.all().stream().filter(ProcInfo::isAlive).filter(p -> {
      try {
        String cmdline = Files.readString(Path.of("/proc", Integer.toString(p.pid()), "cmdline"),
            StandardCharsets.ISO_8859_1);
        return cmdline.contains("\0runner\0") && cmdline.contains("\0--task-id\0" + taskId + "\0");
      } catch (IOException e) {
        return false;
      }
    }).toList();
  }

  /**
   * Waits until {@code find} finds nothing, on the exits of what it found (ProcessHandle.onExit;
   * a zombie, which never "exits" to it, counts as gone at the next look), failing with {@code
   * what} and the survivors after {@code bound}.
   */
  static void awaitGone(String what, Supplier<List<ProcInfo>> find, Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (true) {
      List<ProcInfo> left = find.get();
      if (left.isEmpty()) {
        return;
      }
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        fail(what + ": still alive after " + bound.toMillis() + " ms: " + left);
      }
      CompletableFuture<?>[] exits = left.stream()
          .map(p -> ProcessHandle.of(p.pid()).<CompletableFuture<?>>map(ProcessHandle::onExit)
              .orElse(CompletableFuture.completedFuture(null)))
          .toArray(CompletableFuture[]::new);
      try {
        CompletableFuture.anyOf(exits).get(remaining, TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        // look once more: what is left may be zombies now
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      } catch (ExecutionException e) {
        throw new AssertionError(e);
      }
    }
  }
}
