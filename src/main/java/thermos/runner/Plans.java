package thermos.runner;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import thermos.ckpt.ProcessStateHandler;
import thermos.ckpt.TaskStateHandler;
import thermos.common.Clock;
import thermos.config.ProcessConfig;
import thermos.config.TaskConfig;
import thermos.proto.ProcessStatus;
import thermos.proto.TaskState;
import thermos.proto.TaskStatus;

/**
 * The task's two plans — regular processes (ACTIVE) and final ones (FINALIZING) — kept in step
 * with the checkpoint: it is a dispatcher handler, so replay and live records update the plans
 * through the same path.
 */
final class Plans implements ProcessStateHandler, TaskStateHandler {
  private static final Logger log = LoggerFactory.getLogger(Plans.class);

  private final TaskConfig task;
  private final TaskPlanner regular;
  private final TaskPlanner finalizing;
  /** Whether the regular plan was healthy when the first CLEANING status was applied. */
  private Boolean healthyAtCleaning;

  Plans(TaskConfig task, Clock clock, int runLimit) {
    this.task = task;
    List<ProcessConfig> regularProcesses = new ArrayList<>();
    List<ProcessConfig> finalProcesses = new ArrayList<>();
    for (ProcessConfig p : task.processes()) {
      (p.isFinal() ? finalProcesses : regularProcesses).add(p);
    }
    regular = new TaskPlanner(regularProcesses, task.constraints(), clock, runLimit);
    finalizing = new TaskPlanner(finalProcesses, task.constraints(), clock, runLimit);
  }

  TaskPlanner regular() {
    return regular;
  }

  TaskPlanner finalizing() {
    return finalizing;
  }

  /** The plan {@code process} belongs to, or null for a process the task does not have. */
  TaskPlanner planOf(String process) {
    return regular.contains(process) ? regular : finalizing.contains(process) ? finalizing : null;
  }

  boolean isFinal(String process) {
    return finalizing.contains(process);
  }

  /** Thermos' verdict for a task that ends without being killed or lost. */
  boolean regularHealthy() {
    return regular.isHealthy(task.maxFailures());
  }

  /**
   * The verdict of a task that ended on its own, as it stood when CLEANING began (losses at the
   * run cap during CLEANING do not change it), or null before CLEANING. The same whether the
   * CLEANING status was written live or replayed by a restarted runner.
   */
  TaskState verdictAtCleaning() {
    return healthyAtCleaning == null ? null
        : healthyAtCleaning ? TaskState.SUCCESS : TaskState.FAILED;
  }

  @Override
  public void onCleaning(TaskStatus update) {
    if (healthyAtCleaning == null) {
      healthyAtCleaning = regularHealthy();
    }
  }

  @Override
  public void onWaiting(ProcessStatus u) {
    plan(u).ifPresent(p -> p.setRunning(u.getProcess()));
  }

  @Override
  public void onForked(ProcessStatus u) {
    plan(u).ifPresent(p -> p.setRunning(u.getProcess()));
  }

  @Override
  public void onRunning(ProcessStatus u) {
    plan(u).ifPresent(p -> p.setRunning(u.getProcess()));
  }

  @Override
  public void onSuccess(ProcessStatus u) {
    plan(u).ifPresent(p -> p.addSuccess(u.getProcess()));
  }

  @Override
  public void onFailed(ProcessStatus u) {
    plan(u).ifPresent(p -> p.addFailure(u.getProcess()));
  }

  /** LOST, and KILLED reported for a run, are losses: restart without counting a failure. */
  @Override
  public void onLost(ProcessStatus u) {
    plan(u).ifPresent(p -> p.lost(u.getProcess()));
  }

  @Override
  public void onKilled(ProcessStatus u) {
    plan(u).ifPresent(p -> p.lost(u.getProcess()));
  }

  private java.util.Optional<TaskPlanner> plan(ProcessStatus u) {
    TaskPlanner p = planOf(u.getProcess());
    if (p == null) {
      log.warn("checkpoint names process '{}', which the task does not have; ignoring it",
          u.getProcess());
    }
    return java.util.Optional.ofNullable(p);
  }
}
