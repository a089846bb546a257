package thermos.executor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import thermos.ckpt.TaskPath;
import thermos.common.Clock;
import thermos.config.TaskConfig;

/** Configures a {@link ThermosTaskRunner}; see {@link ThermosTaskRunner#builder}. */
public final class ThermosTaskRunnerBuilder {
  final Path taskFile;
  final TaskConfig task;
  final String taskId;
  final Path sandbox;
  final Path checkpointRoot;
  Map<String, Integer> ports = Map.of();
  Duration preemptionWait = ThermosTaskRunner.DEFAULT_PREEMPTION_WAIT;
  Duration stopTimeout = ThermosTaskRunner.DEFAULT_STOP_TIMEOUT;
  StopBudget budget = StopBudget.DEFAULT;
  RunnerLauncher launcher;
  Clock clock = Clock.SYSTEM;
  ExecutorPlatform platform = ExecutorPlatform.local();
  Path runnerDir;
  Path processLogDir;
  String hostname;
  boolean preserveEnv;

  ThermosTaskRunnerBuilder(Path taskFile, TaskConfig task, String taskId, Path sandbox,
      Path checkpointRoot) {
    this.taskFile = taskFile;
    this.task = task;
    this.taskId = TaskPath.validTaskId(taskId);
    this.sandbox = sandbox.toAbsolutePath().normalize();
    this.checkpointRoot = checkpointRoot.toAbsolutePath().normalize();
  }

  /** The task's ports by name (the runner's {@code --port NAME:PORT}). */
  public ThermosTaskRunnerBuilder ports(Map<String, Integer> p) {
    this.ports = Map.copyOf(p);
    return this;
  }

  /** The kill's grace period: SIGTERM, then SIGKILL after it (default 60 s, as Thermos). */
  public ThermosTaskRunnerBuilder preemptionWait(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("negative preemption wait " + d);
    }
    this.preemptionWait = d;
    return this;
  }

  /** The timeout of {@link ThermosTaskRunner#stop()} (default 120 s, as Aurora's executor). */
  public ThermosTaskRunnerBuilder stopTimeout(Duration d) {
    this.stopTimeout = Objects.requireNonNull(d);
    return this;
  }

  public ThermosTaskRunnerBuilder stopBudget(StopBudget b) {
    this.budget = Objects.requireNonNull(b);
    return this;
  }

  /** How to start the runner (default {@link RunnerLauncher#defaults()}). */
  public ThermosTaskRunnerBuilder launcher(RunnerLauncher l) {
    this.launcher = Objects.requireNonNull(l);
    return this;
  }

  public ThermosTaskRunnerBuilder clock(Clock c) {
    this.clock = Objects.requireNonNull(c);
    return this;
  }

  public ThermosTaskRunnerBuilder platform(ExecutorPlatform p) {
    this.platform = Objects.requireNonNull(p);
    return this;
  }

  /** Where the task JSON and the runner's own stdout/stderr go (default SANDBOX/.thermos_executor). */
  public ThermosTaskRunnerBuilder runnerDir(Path d) {
    this.runnerDir = d.toAbsolutePath().normalize();
    return this;
  }

  /** The processes' log directory (the runner's {@code --log-dir}; default SANDBOX/.logs). */
  public ThermosTaskRunnerBuilder processLogDir(Path d) {
    this.processLogDir = d.toAbsolutePath().normalize();
    return this;
  }

  public ThermosTaskRunnerBuilder hostname(String h) {
    this.hostname = h;
    return this;
  }

  public ThermosTaskRunnerBuilder preserveEnv(boolean p) {
    this.preserveEnv = p;
    return this;
  }

  /**
   * @throws IllegalArgumentException if the preemption wait plus the stop slack does not fit
   *     strictly inside the stop timeout (see {@link StopBudget})
   */
  public ThermosTaskRunner build() {
    if (!budget.fits(preemptionWait, stopTimeout)) {
      throw new IllegalArgumentException("preemption wait " + preemptionWait.toMillis()
          + " ms + stop slack " + budget.slack().toMillis() + " ms must be less than the stop"
          + " timeout " + stopTimeout.toMillis() + " ms (the stop would race the runner's"
          + " escalation); raise the stop timeout to at least "
          + budget.minimumTimeout(preemptionWait).toMillis() + " ms or shorten the wait");
    }
    if (launcher == null) {
      launcher = RunnerLauncher.defaults();
    }
    if (runnerDir == null) {
      runnerDir = sandbox.resolve(".thermos_executor");
    }
    return new ThermosTaskRunner(this);
  }
}
