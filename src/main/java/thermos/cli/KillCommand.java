package thermos.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import thermos.ckpt.LogReplay;
import thermos.ckpt.TaskPath;
import thermos.common.Clock;
import thermos.executor.RunnerHandle;
import thermos.executor.TaskError;
import thermos.executor.TaskStopper;
import thermos.proto.TaskState;
import thermos.runner.local.RunnerProcess;

/** {@code kill}: stop tasks gracefully, taking over where no runner is alive. */
@Command(name = "kill", mixinStandardHelpOptions = true,
    description = {"Stop tasks gracefully: SIGTERM, SIGKILL after the grace period, finalizers",
        "within it; takes over tasks whose runner is gone. Waits until each task is terminal;",
        "exit 0 when all are."})
final class KillCommand implements Callable<Integer> {
  /** How long a runner that has recorded the terminal state gets to move the sentinel. */
  private static final Duration WIND_DOWN = Duration.ofSeconds(5);

  @Spec CommandSpec spec;
  @Mixin RootOption root;
  @Mixin Verbosity verbosity;

  @Option(names = "--preemption-wait", paramLabel = "SECS",
      description = "Grace period between SIGTERM and SIGKILL (default 5).")
  double preemptionWait = 5;

  @Option(names = "--force", description = "Do not wait for the runner: take over at once.")
  boolean force;

  @Parameters(paramLabel = "TASK_ID", arity = "1..*", description = "Tasks to stop.")
  List<String> taskIds;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    TaskPath paths = root.paths();
    Duration grace = Duration.ofMillis(Math.round(Math.max(0, preemptionWait) * 1000));
    // Every id is checked before any task is touched: a typo never leaves a kill half done.
    for (String id : taskIds) {
      try {
        TaskPath.validTaskId(id);
      } catch (IllegalArgumentException e) {
        throw new CliException(ExitCodes.USAGE, e.getMessage());
      }
      if (!Files.exists(paths.runnerCheckpoint(id))) {
        throw new CliException(ExitCodes.NOT_FOUND, "no task '" + id + "' under " + paths.root());
      }
    }
    int failures = 0;
    for (String id : taskIds) {
      out.print("Killing " + id + "... ");
      out.flush();
      try {
        RunnerHandle runner = force ? RunnerHandle.NONE : runnerOf(paths, id);
        TaskStopper.Result r = new TaskStopper(paths, id, Clock.SYSTEM)
            .stop(TaskState.KILLED, grace, runner);
        if (!r.tookOver()) {
          awaitWindDown(paths, id, runner);
        }
        out.println(r.state() + (r.tookOver() ? " (taken over)" : ""));
      } catch (TaskError e) {
        out.println("failed");
        spec.commandLine().getErr().println("thermos kill: " + id + ": " + e.getMessage());
        failures++;
      }
      out.flush();
    }
    return failures == 0 ? ExitCodes.OK : ExitCodes.NOT_OK;
  }

  /**
   * The runner writes the terminal status first and then moves the task's sentinel to
   * {@code tasks/finished} and exits; a script that runs {@code status} right after {@code kill}
   * must see the task finished. Waits (on events, bounded; a few ms in practice) for either.
   */
  private static void awaitWindDown(TaskPath paths, String id, RunnerHandle runner)
      throws InterruptedException {
    FinishedSentinelWait.await(paths, id, runner, WIND_DOWN);
  }

  /** The task's live runner, found through its checkpoint and proven by /proc. */
  static RunnerHandle runnerOf(TaskPath paths, String id) {
    Optional<RunnerProcess> runner;
    try {
      runner = RunnerProcess.find(LogReplay.replay(paths.runnerCheckpoint(id), false)
          .state().statuses());
    } catch (java.io.IOException e) {
      return RunnerHandle.NONE;
    }
    if (runner.isEmpty() || runner.get().pid() == ProcessHandle.current().pid()) {
      return RunnerHandle.NONE; // none, or this JVM took the task over earlier (in-process use)
    }
    RunnerProcess p = runner.get();
    return new RunnerHandle() {
      @Override
      public boolean isAlive() {
        return p.isAlive();
      }

      @Override
      public boolean wake(boolean lose) {
        return p.wake(lose);
      }

      @Override
      public CompletableFuture<?> onExit() {
        return ProcessHandle.of(p.pid()).map(ProcessHandle::onExit)
            .orElse(CompletableFuture.completedFuture(null));
      }
    };
  }
}
