package thermos.config;

import java.util.List;

/**
 * A task (Thermos' {@code Task}, SEMANTICS.md §1a): processes, ordering constraints and limits.
 * Immutable; loaded by {@link TaskLoader}, checked by {@link TaskValidator}, bound by
 * {@link Interpolation}.
 *
 * @param name may hold the default {@code {{processes[0].name}}} until interpolated
 * @param resources null when not given
 * @param maxFailures permanently failed regular processes that fail the task; 0 = unlimited
 * @param maxConcurrency processes running at once; 0 = unlimited
 * @param finalizationWaitSecs budget from the start of CLEANING to the end of FINALIZING
 * @param user legacy field, ignored by the runner; null when not given
 */
public record TaskConfig(
    String name,
    List<ProcessConfig> processes,
    List<Constraint> constraints,
    Resources resources,
    int maxFailures,
    int maxConcurrency,
    int finalizationWaitSecs,
    String user) {
  public static final String DEFAULT_NAME = "{{processes[0].name}}";
  public static final int DEFAULT_MAX_FAILURES = 1;
  public static final int DEFAULT_MAX_CONCURRENCY = 0;
  public static final int DEFAULT_FINALIZATION_WAIT_SECS = 30;

  public TaskConfig {
    processes = List.copyOf(processes);
    constraints = List.copyOf(constraints);
  }

  /** A task with every default (for tests and {@code simplerun}). */
  public static TaskConfig of(String name, List<ProcessConfig> processes,
      List<Constraint> constraints) {
    return new TaskConfig(name, processes, constraints, null, DEFAULT_MAX_FAILURES,
        DEFAULT_MAX_CONCURRENCY, DEFAULT_FINALIZATION_WAIT_SECS, null);
  }

  /** The process called {@code name}, or null. */
  public ProcessConfig process(String processName) {
    for (ProcessConfig p : processes) {
      if (p.name().equals(processName)) {
        return p;
      }
    }
    return null;
  }

  public TaskConfig withProcesses(List<ProcessConfig> ps) {
    return new TaskConfig(name, ps, constraints, resources, maxFailures, maxConcurrency,
        finalizationWaitSecs, user);
  }

  public TaskConfig withName(String n) {
    return new TaskConfig(n, processes, constraints, resources, maxFailures, maxConcurrency,
        finalizationWaitSecs, user);
  }

  public TaskConfig withMaxFailures(int n) {
    return new TaskConfig(name, processes, constraints, resources, n, maxConcurrency,
        finalizationWaitSecs, user);
  }

  public TaskConfig withMaxConcurrency(int n) {
    return new TaskConfig(name, processes, constraints, resources, maxFailures, n,
        finalizationWaitSecs, user);
  }

  public TaskConfig withFinalizationWaitSecs(int s) {
    return new TaskConfig(name, processes, constraints, resources, maxFailures, maxConcurrency, s,
        user);
  }
}
