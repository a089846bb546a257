package thermos.runner;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import thermos.common.Clock;
import thermos.config.Constraint;
import thermos.config.ProcessConfig;

/**
 * Decides which processes of one plan (the regular one, or the finalizing one) may run, with
 * Thermos' exact rules (SEMANTICS.md §1b.6): ordering constraints, per-process
 * {@code max_failures} (0 = forever), {@code min_duration} gates, daemons, ephemerals, a total
 * run cap, and LOST/KILLED runs counted as losses rather than failures.
 *
 * <p>Pure bookkeeping: no processes, no I/O. Time comes from the injected clock.
 */
public final class TaskPlanner {
  /** No run cap (Thermos' library default); the runner uses {@link #RUNNER_RUN_LIMIT}. */
  public static final int UNLIMITED_RUNS = Integer.MAX_VALUE;
  /** Thermos' {@code CappedTaskPlanner}: total runs of one process before it is failed. */
  public static final int RUNNER_RUN_LIMIT = 100;

  private final Clock clock;
  private final int runLimit;
  private final Map<String, ProcessConfig> processes = new LinkedHashMap<>();
  private final Map<String, Set<String>> dependencies = new HashMap<>();

  private final Set<String> running = new LinkedHashSet<>();
  private final Set<String> finished = new LinkedHashSet<>();
  private final Set<String> failed = new LinkedHashSet<>();
  private final Map<String, Integer> failures = new HashMap<>();
  private final Map<String, Integer> successes = new HashMap<>();
  private final Map<String, Integer> losses = new HashMap<>();
  /** Monotonic time (ns) at which the runner processed each process's last terminal update. */
  private final Map<String, Long> lastTerminal = new HashMap<>();

  /**
   * @param processes the processes of this plan (constraints naming others are ignored)
   * @param constraints the task's ordering constraints
   */
  public TaskPlanner(List<ProcessConfig> processes, List<Constraint> constraints, Clock clock,
      int runLimit) {
    this.clock = clock;
    this.runLimit = runLimit;
    for (ProcessConfig p : processes) {
      this.processes.put(p.name(), p);
      dependencies.put(p.name(), new LinkedHashSet<>());
    }
    for (Constraint c : constraints) {
      List<String> order = c.order();
      for (int i = 1; i < order.size(); i++) {
        String before = order.get(i - 1);
        String after = order.get(i);
        if (this.processes.containsKey(before) && this.processes.containsKey(after)) {
          dependencies.get(after).add(before);
        }
      }
    }
  }

  /** The processes of this plan, in configuration order. */
  public Set<String> processes() {
    return processes.keySet();
  }

  public boolean contains(String process) {
    return processes.containsKey(process);
  }

  public ProcessConfig config(String process) {
    return processes.get(process);
  }

  // ---- what may run ----

  /** Not running, finished or failed, and every dependency finished (ignoring min_duration). */
  private boolean eligible(String p) {
    if (running.contains(p) || finished.contains(p) || failed.contains(p)) {
      return false;
    }
    return finished.containsAll(dependencies.get(p));
  }

  /** Seconds until {@code p}'s min_duration gate opens (≤ 0: open now). */
  public double waitSeconds(String p) {
    Long last = lastTerminal.get(p);
    if (last == null) {
      return 0;
    }
    double elapsed = (clock.nanoTime() - last) / 1e9;
    return processes.get(p).minDurationSecs() - elapsed;
  }

  /** Processes that may start now, in configuration order (concurrency not applied). */
  public List<String> runnable() {
    List<String> ready = new ArrayList<>();
    for (String p : processes.keySet()) {
      if (eligible(p) && waitSeconds(p) <= 0) {
        ready.add(p);
      }
    }
    return ready;
  }

  /**
   * Processes to launch now under {@code maxConcurrency} (0 = unlimited): the running count is
   * taken once, at the start of the pass, as Thermos does.
   */
  public List<String> toLaunch(int maxConcurrency) {
    List<String> ready = runnable();
    if (maxConcurrency <= 0) {
      return ready;
    }
    int room = Math.max(0, maxConcurrency - running.size());
    return ready.subList(0, Math.min(room, ready.size()));
  }

  /**
   * Seconds until something could become runnable: 0 if something is runnable now, the smallest
   * pending min_duration wait otherwise, or {@link Double#MAX_VALUE} if nothing is waiting.
   */
  public double minWaitSeconds() {
    double min = Double.MAX_VALUE;
    for (String p : processes.keySet()) {
      if (eligible(p)) {
        min = Math.min(min, Math.max(0, waitSeconds(p)));
      }
    }
    return min;
  }

  /**
   * Seconds until the next min_duration gate opens for a process that waits for nothing else,
   * or {@link Double#MAX_VALUE}. Unlike {@link #minWaitSeconds()} it ignores processes whose gate
   * is already open: those are waiting for room under max_concurrency, which only an exit frees.
   */
  public double nextGateSeconds() {
    double min = Double.MAX_VALUE;
    for (String p : processes.keySet()) {
      if (eligible(p)) {
        double wait = waitSeconds(p);
        if (wait > 0) {
          min = Math.min(min, wait);
        }
      }
    }
    return min;
  }

  // ---- transitions ----

  public void setRunning(String p) {
    known(p);
    running.add(p);
  }

  /** A run exited 0: finished, or rescheduled for a daemon, or failed at the run cap. */
  public void addSuccess(String p) {
    known(p);
    successes.merge(p, 1, Integer::sum);
    terminated(p);
    if (atRunLimit(p)) {
      failed.add(p);
    } else if (processes.get(p).daemon()) {
      // a daemon is rescheduled after min_duration
    } else {
      finished.add(p);
    }
  }

  /** A run failed: retried while failures remain, else failed (ephemeral: finished). */
  public void addFailure(String p) {
    known(p);
    int count = failures.merge(p, 1, Integer::sum);
    terminated(p);
    ProcessConfig c = processes.get(p);
    if (atRunLimit(p)) {
      failed.add(p);
    } else if (c.maxFailures() == 0 || count < c.maxFailures()) {
      // retried after min_duration
    } else if (c.ephemeral()) {
      finished.add(p);
    } else {
      failed.add(p);
    }
  }

  /** A run was LOST or killed by a signal: restarted without counting a failure. */
  public void lost(String p) {
    known(p);
    losses.merge(p, 1, Integer::sum);
    terminated(p);
    if (atRunLimit(p)) {
      failed.add(p);
    }
  }

  private void terminated(String p) {
    running.remove(p);
    lastTerminal.put(p, clock.nanoTime());
  }

  private boolean atRunLimit(String p) {
    long runs = (long) successes.getOrDefault(p, 0) + failures.getOrDefault(p, 0)
        + losses.getOrDefault(p, 0);
    return runs >= runLimit;
  }

  private void known(String p) {
    if (!processes.containsKey(p)) {
      throw new IllegalArgumentException("process '" + p + "' is not in this plan");
    }
  }

  // ---- verdicts ----

  public Set<String> running() {
    return Set.copyOf(running);
  }

  public boolean isRunning(String p) {
    return running.contains(p);
  }

  public boolean isFinished(String p) {
    return finished.contains(p);
  }

  public boolean isFailed(String p) {
    return failed.contains(p);
  }

  public int failureCount(String p) {
    return failures.getOrDefault(p, 0);
  }

  /** Every non-ephemeral process is finished or failed (ephemerals may still run). */
  public boolean isComplete() {
    for (ProcessConfig c : processes.values()) {
      if (!c.ephemeral() && !finished.contains(c.name()) && !failed.contains(c.name())) {
        return false;
      }
    }
    return true;
  }

  /** Nothing running, runnable or waiting, yet not complete (e.g. a failed predecessor). */
  public boolean isDeadlocked() {
    return running.isEmpty() && minWaitSeconds() == Double.MAX_VALUE && !isComplete();
  }

  /** Processes permanently failed. */
  public Set<String> failedProcesses() {
    return Set.copyOf(failed);
  }

  /**
   * Thermos' task health for the regular plan: not deadlocked, and fewer permanently failed
   * processes than the task's {@code max_failures} (0 = unlimited).
   */
  public boolean isHealthy(int taskMaxFailures) {
    if (isDeadlocked()) {
      return false;
    }
    return taskMaxFailures == 0 || failed.size() < taskMaxFailures;
  }
}
