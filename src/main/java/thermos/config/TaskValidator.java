package thermos.config;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Thermos' {@code ThermosTaskValidator} (SEMANTICS.md §1a Validation 1, 3, 4, 5), plus our
 * deliberate rejection of duplicate process names. Types and required fields (Validation 2) are
 * checked by {@link TaskLoader}.
 */
public final class TaskValidator {
  /** Process names become file names: no leading '.' or '/', no '/' (Thermos' regex). */
  private static final Pattern PROCESS_NAME = Pattern.compile("^[^./][^/]*$");

  private TaskValidator() {}

  /** Checks everything that does not depend on the runner's port map. */
  public static void validate(TaskConfig task) throws InvalidTaskException {
    if (task.processes().isEmpty()) {
      throw new InvalidTaskException("Task has no processes");
    }
    checkNames(task);
    checkNotNegative(task);
    PlanValidator.check(task);
    checkLoggers(task);
    checkAllRefsBound(task);
  }

  /** Every port the task refers to must be in {@code portmap} (the runner's check). */
  public static void validatePorts(TaskConfig task, Map<String, Integer> portmap)
      throws InvalidTaskException {
    Set<String> missing = new TreeSet<>(Interpolation.referencedPorts(task));
    missing.removeAll(portmap.keySet());
    if (missing.size() == 1) {
      throw new InvalidTaskException("Task requires unbound port " + missing.iterator().next());
    }
    if (!missing.isEmpty()) {
      throw new InvalidTaskException("Task requires unbound ports " + String.join(", ", missing));
    }
  }

  private static void checkNames(TaskConfig task) throws InvalidTaskException {
    Set<String> seen = new HashSet<>();
    for (ProcessConfig p : task.processes()) {
      String name = p.name();
      // NUL as well: the name becomes a path component (TaskPath rejects it too).
      if (!PROCESS_NAME.matcher(name).matches() || name.indexOf('\0') >= 0) {
        throw new InvalidTaskException("Task has invalid process: Invalid process name: \""
            + name + "\" (a process name must be non-empty, must not start with '.' and must"
            + " not contain '/')");
      }
      if (!seen.add(name)) {
        throw new InvalidTaskException("Task has duplicate process name: \"" + name
            + "\" (process names must be unique)");
      }
    }
  }

  // The loader rejects negative numbers; this covers tasks built in code.
  private static void checkNotNegative(TaskConfig task) throws InvalidTaskException {
    notNegative("max_failures", task.maxFailures());
    notNegative("max_concurrency", task.maxConcurrency());
    notNegative("finalization_wait", task.finalizationWaitSecs());
    for (ProcessConfig p : task.processes()) {
      notNegative("process " + p.name() + " max_failures", p.maxFailures());
      notNegative("process " + p.name() + " min_duration", p.minDurationSecs());
    }
  }

  private static void notNegative(String field, int value) throws InvalidTaskException {
    if (value < 0) {
      throw new InvalidTaskException("Task " + field + " must not be negative, got " + value);
    }
  }

  private static void checkLoggers(TaskConfig task) throws InvalidTaskException {
    for (ProcessConfig p : task.processes()) {
      RotatePolicy r = p.logger() == null ? null : p.logger().rotate();
      if (r == null) {
        continue;
      }
      if (r.logSize() <= 0) {
        throw new InvalidTaskException("Process " + p.name()
            + ": logger rotate log_size must be greater than 0 bytes, got " + r.logSize());
      }
      if (r.backups() <= 0) {
        throw new InvalidTaskException("Process " + p.name()
            + ": logger rotate backups must be greater than 0, got " + r.backups());
      }
    }
  }

  /** Binds fake thermos values (random ports) and requires that nothing is left unbound. */
  private static void checkAllRefsBound(TaskConfig task) throws InvalidTaskException {
    Set<String> ports;
    try {
      ports = Interpolation.referencedPorts(task);
    } catch (InvalidTaskException e) {
      throw new InvalidTaskException("Task has invalid process: " + e.getMessage(), e);
    }
    Map<String, Integer> fakePorts = new HashMap<>();
    for (String port : ports) {
      fakePorts.put(port, ThreadLocalRandom.current().nextInt(1024, 65536));
    }
    ThermosContext fake = new ThermosContext("dummy_task_id", fakePorts, "dummy_user");
    List<String> unbound = Interpolation.interpolate(task, fake).unbound();
    if (!unbound.isEmpty()) {
      throw new InvalidTaskException("Unexpected unbound refs: {{"
          + String.join("}}, {{", unbound)
          + "}}. Make sure you are not nesting template variables.");
    }
  }
}
