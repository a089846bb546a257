package thermos.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Thermos' {@code assert_valid_plan} (SEMANTICS.md §1a Validation 3): the constraints are checked
 * separately against the regular (non-final) processes and against the final processes.
 */
final class PlanValidator {
  private PlanValidator() {}

  static void check(TaskConfig task) throws InvalidTaskException {
    List<ProcessConfig> regular = new ArrayList<>();
    List<ProcessConfig> finals = new ArrayList<>();
    for (ProcessConfig p : task.processes()) {
      (p.isFinal() ? finals : regular).add(p);
    }
    checkPlan(task, regular, "regular");
    checkPlan(task, finals, "final");
  }

  private static void checkPlan(TaskConfig task, List<ProcessConfig> plan, String kind)
      throws InvalidTaskException {
    Map<String, ProcessConfig> byName = new LinkedHashMap<>();
    for (ProcessConfig p : plan) {
      byName.put(p.name(), p);
    }
    // successor -> its predecessors
    Map<String, Set<String>> edges = new HashMap<>();
    for (int i = 0; i < task.constraints().size(); i++) {
      List<String> order = task.constraints().get(i).order();
      String where = "constraints[" + i + "] " + order;
      if (order.isEmpty()) {
        throw new InvalidTaskException("Invalid process dependencies! " + where
            + ": an order constraint must name at least one process");
      }
      List<String> outside = order.stream().filter(n -> !byName.containsKey(n)).toList();
      if (outside.size() == order.size()) {
        continue; // nothing of this plan: ignored, as Thermos does (also for unknown names)
      }
      if (!outside.isEmpty()) {
        throw new InvalidTaskException("Invalid process dependencies! " + where + " mixes "
            + kind + " processes with " + describe(task, outside)
            + " (a constraint may only order processes of one plan)");
      }
      for (int j = 1; j < order.size(); j++) {
        ProcessConfig pred = byName.get(order.get(j - 1));
        ProcessConfig succ = byName.get(order.get(j));
        if (pred.daemon()) {
          throw new InvalidTaskException("Process " + succ.name()
              + " may not depend upon daemon process " + pred.name() + " (" + where + ")");
        }
        if (pred.ephemeral() && !succ.ephemeral()) {
          throw new InvalidTaskException("Non-ephemeral process " + succ.name()
              + " may not depend upon ephemeral process " + pred.name() + " (" + where + ")");
        }
        edges.computeIfAbsent(succ.name(), k -> new HashSet<>()).add(pred.name());
      }
    }
    Set<String> cyclic = cyclic(byName.keySet(), edges);
    if (!cyclic.isEmpty()) {
      throw new InvalidTaskException("Cycles detected in the task schedule! Processes involved: "
          + String.join(", ", cyclic));
    }
  }

  private static String describe(TaskConfig task, List<String> outside) {
    List<String> parts = new ArrayList<>();
    for (String name : outside) {
      ProcessConfig p = task.process(name);
      parts.add(name + (p == null ? " (not a process of this task)"
          : p.isFinal() ? " (a final process)" : " (a regular process)"));
    }
    return String.join(", ", parts);
  }

  /**
   * The processes on a cycle (or between cycles), in task order: peel off processes whose
   * predecessors are all peeled, as the planner would run them; then drop those no cycle needs.
   */
  private static Set<String> cyclic(Set<String> names, Map<String, Set<String>> preds) {
    Set<String> left = new LinkedHashSet<>(names);
    boolean changed = true;
    while (changed) {
      changed = left.removeIf(n -> preds.getOrDefault(n, Set.of()).stream()
          .noneMatch(left::contains));
    }
    changed = true;
    while (changed) {
      // a process that nothing left depends upon is only downstream of a cycle
      changed = left.removeIf(n -> left.stream()
          .noneMatch(s -> preds.getOrDefault(s, Set.of()).contains(n)));
    }
    return left;
  }
}
