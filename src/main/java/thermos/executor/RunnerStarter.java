package thermos.executor;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import thermos.ckpt.TaskPath;
import thermos.common.Clock;
import thermos.config.TaskConfig;
import thermos.runner.Termination;

/** The two halves of {@link ThermosTaskRunner#start}: forking the runner, awaiting the start. */
final class RunnerStarter {
  private static final Logger log = LoggerFactory.getLogger(RunnerStarter.class);

  /** A forked runner and the watch on its task's checkpoint. */
  record Forked(ForkedRunner runner, CheckpointWatch watch) {}

  private RunnerStarter() {}

  /** What {@link #fork} tells its caller around the fork itself. */
  interface ForkGate {
    /**
     * Everything is checked and written and the runner is forked next: a kill or lose asked for
     * already must be recorded durably now (the runner reads it as it boots).
     */
    void forking() throws TaskError;

    /** The start failed; called before what it created is removed. */
    void failed();
  }

  /**
   * Checks everything, writes the task JSON, forks the runner. On failure nothing has been
   * started and nothing is half-written: what this start created is removed again.
   */
  static Forked fork(ThermosTaskRunnerBuilder config, TaskPath paths, ExecutorPlatform platform,
      Clock clock, Path stdout, Path stderr, ForkGate gate) throws TaskError {
    String taskId = config.taskId;
    CheckpointWatch w = null;
    CreatedPaths created = new CreatedPaths();
    try {
      TaskConfig task = TaskSetup.load(config.taskFile, config.task, taskId, config.ports);
      TaskSetup.requireWritableDir(paths.root(), "checkpoint root");
      TaskSetup.requireWritableDir(config.sandbox, "sandbox");
      TaskSetup.requireWritableDir(config.runnerDir, "runner directory");
      Path taskJson = config.runnerDir.resolve("task.json");
      RunnerLauncher.Launch launch = config.launcher.prepare(TaskSetup.runnerArgs(taskJson, paths,
          config.sandbox, taskId, config.ports, config.preemptionWait, config.processLogDir,
          config.hostname, config.preserveEnv));
      w = platform.watch(paths, taskId, clock);
      CheckpointWatch watch = w;
      CheckpointSnapshot existing = w.read();
      TaskSetup.checkTaskIdFree(platform, paths, taskId, existing);
      if (existing.isCorrupt()) {
        throw new TaskError("the checkpoint of task " + taskId + " is unreadable: "
            + existing.problem());
      }
      created.dir(paths.root());
      created.dir(config.sandbox);
      created.file(taskJson);
      created.file(stdout);
      created.file(stderr);
      created.file(paths.killRequest(taskId));
      TaskSetup.createDir(paths.root(), "checkpoint root");
      TaskSetup.createDir(config.sandbox, "sandbox");
      TaskSetup.createDir(config.runnerDir, "runner directory");
      TaskSetup.writeTaskJson(config.runnerDir, task);
      gate.forking();
      ForkedRunner r = platform.fork(launch.command(), config.sandbox, stdout, stderr,
          pid -> watch.read().startedBy(pid));
      log.info("task {}: runner pid {} started: {}", taskId, r.pid(), launch.command());
      r.onExit().whenComplete((v, e) -> launch.afterExit().run());
      return new Forked(r, w);
    } catch (IOException e) {
      undo(gate, w, created);
      throw new TaskError("cannot launch the runner of task " + taskId + ": " + e.getMessage(), e);
    } catch (TaskError | RuntimeException e) {
      undo(gate, w, created);
      throw e;
    }
  }

  private static void undo(ForkGate gate, CheckpointWatch w, CreatedPaths created) {
    gate.failed();
    if (w != null) {
      w.close();
    }
    created.remove();
  }

  /**
   * Waits, on checkpoint events and the runner's exit, until the runner has announced itself
   * and written the header (or the task is already over).
   *
   * @return false if {@code deadline} passed first
   * @throws TaskError with the runner's reason if it exited first
   */
  static boolean awaitStart(ForkedRunner r, CheckpointWatch w, long deadline, Clock clock,
      Path stderr) throws TaskError, InterruptedException {
    while (true) {
      Optional<Termination> exit = r.termination(); // first: then the checkpoint is complete
      CheckpointSnapshot s = w.read();
      if (s.startedBy(r.pid()) || s.isTerminal()) {
        return true;
      }
      if (exit.isPresent()) {
        String reason = RunnerStatus.compute(exit, s).map(StatusResult::reason).orElse("?");
        String said = TaskSetup.lastLine(stderr);
        Termination t = exit.get();
        throw new TaskError("Task failed: " + reason + " (runner exited "
            + (t.wasSignalled() ? "by signal " + t.signal() : "with status " + t.exitCode())
            + (said.isEmpty() ? "" : ": " + said) + ")");
      }
      long now = clock.nanoTime();
      if (now >= deadline) {
        return false;
      }
      w.await(Duration.ofNanos(deadline - now), r.onExit());
    }
  }
}
