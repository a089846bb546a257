package thermos.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;

/**
 * Pystachio-style mustache interpolation of a task (SEMANTICS.md §1a).
 *
 * <p>Refs are resolved against, innermost first: the enclosing process's own fields, the task's
 * own fields (so the default name {@code {{processes[0].name}}} works), then the bound
 * {@code thermos} context ({@code thermos.task_id}, {@code thermos.user},
 * {@code thermos.ports[NAME]}). A ref that cannot be resolved stays verbatim; it is not an error
 * here. Evaluation repeats, so a value may itself contain refs; refs nested inside a ref resolve
 * innermost first. Only String fields hold refs: the task's name and user, each process's name
 * and cmdline, and the names in constraints. Typed fields (integers, booleans, enums) are
 * already values once loaded.
 */
public final class Interpolation {
  /** Enough for any honest chain of refs; a self-referential value stops here, unbound. */
  private static final int MAX_PASSES = 10;

  private Interpolation() {}

  /** The task with every resolvable ref replaced; unresolvable refs are left as they are. */
  public static TaskConfig bind(TaskConfig task, ThermosContext context) {
    return interpolate(task, context).task();
  }

  /**
   * The refs (addresses, without braces, in order of appearance) that remain unbound when the
   * task is interpolated with no {@code thermos} context bound.
   */
  public static List<String> unboundRefs(TaskConfig task) {
    return interpolate(task, null).unbound();
  }

  /**
   * The port names the task refers to as {@code {{thermos.ports[NAME]}}}, sorted.
   *
   * @throws InvalidTaskException for any other form under {@code thermos.ports}, such as the
   *     attribute form {@code thermos.ports.NAME} ("Bad port specification")
   */
  public static Set<String> referencedPorts(TaskConfig task) throws InvalidTaskException {
    Set<String> ports = new TreeSet<>();
    for (String address : unboundRefs(task)) {
      MustacheRef ref = MustacheRef.parse(address);
      if (ref == null || !ref.startsWith("thermos", "ports")) {
        continue;
      }
      if (ref.size() != 3 || !ref.get(2).index()) {
        throw new InvalidTaskException("Bad port specification \"{{" + address
            + "}}\" (should be of form \"{{thermos.ports[name]}}\")");
      }
      ports.add(ref.get(2).value());
    }
    return ports;
  }

  /** The interpolated task and the refs left unbound. */
  record Result(TaskConfig task, List<String> unbound) {}

  /** Interpolates every String field of the task; {@code context} may be null (nothing bound). */
  static Result interpolate(TaskConfig task, ThermosContext context) {
    JsonNode tree = TaskJson.toTree(task);
    Set<String> unbound = new LinkedHashSet<>();
    Evaluator taskScope = new Evaluator(List.of(tree), context, unbound);
    String name = taskScope.eval(task.name());
    String user = taskScope.eval(task.user());
    List<ProcessConfig> processes = new ArrayList<>();
    for (int i = 0; i < task.processes().size(); i++) {
      ProcessConfig p = task.processes().get(i);
      Evaluator processScope =
          new Evaluator(List.of(tree.get("processes").get(i), tree), context, unbound);
      processes.add(new ProcessConfig(processScope.eval(p.name()), processScope.eval(p.cmdline()),
          p.resources(), p.maxFailures(), p.daemon(), p.ephemeral(), p.minDurationSecs(),
          p.isFinal(), p.logger()));
    }
    List<Constraint> constraints = new ArrayList<>();
    for (Constraint c : task.constraints()) {
      List<String> order = new ArrayList<>();
      for (String s : c.order()) {
        order.add(taskScope.eval(s));
      }
      constraints.add(new Constraint(order));
    }
    TaskConfig out = new TaskConfig(name, processes, constraints, task.resources(),
        task.maxFailures(), task.maxConcurrency(), task.finalizationWaitSecs(), user);
    return new Result(out, List.copyOf(unbound));
  }

  /** Evaluates strings in one scope chain, collecting the refs it cannot resolve. */
  private record Evaluator(List<JsonNode> scopes, ThermosContext context, Set<String> unbound) {
    String eval(String value) {
      if (value == null) {
        return null;
      }
      String current = value;
      for (int pass = 0; pass < MAX_PASSES; pass++) {
        String next = substitute(current);
        if (next.equals(current)) {
          break;
        }
        current = next;
      }
      Matcher m = MustacheRef.PATTERN.matcher(current);
      while (m.find()) {
        unbound.add(m.group(1));
      }
      return current;
    }

    private String substitute(String s) {
      return MustacheRef.PATTERN.matcher(s).replaceAll(m -> {
        String resolved = resolve(m.group(1));
        return Matcher.quoteReplacement(resolved != null ? resolved : m.group());
      });
    }

    private String resolve(String address) {
      MustacheRef ref = MustacheRef.parse(address);
      if (ref == null) {
        return null;
      }
      if (ref.startsWith("thermos")) {
        return context == null ? null : thermos(ref);
      }
      for (JsonNode scope : scopes) {
        String v = lookup(scope, ref);
        if (v != null) {
          return v;
        }
      }
      return null;
    }

    private String thermos(MustacheRef ref) {
      if (ref.size() == 2 && ref.startsWith("thermos", "task_id")) {
        return context.taskId();
      }
      if (ref.size() == 2 && ref.startsWith("thermos", "user")) {
        return context.user();
      }
      // ports is a Map: only the index form looks it up (pystachio).
      if (ref.size() == 3 && ref.startsWith("thermos", "ports") && ref.get(2).index()) {
        Integer port = context.ports().get(ref.get(2).value());
        return port == null ? null : port.toString();
      }
      return null;
    }

    /** A scalar field of a struct (attributes) or list (numeric indexes); null if none. */
    private static String lookup(JsonNode scope, MustacheRef ref) {
      JsonNode node = scope;
      for (MustacheRef.Component c : ref.components()) {
        if (c.index()) {
          if (!node.isArray() || !c.value().matches("[0-9]{1,9}")) {
            return null;
          }
          node = node.get(Integer.parseInt(c.value()));
        } else {
          node = node.isObject() ? node.get(c.value()) : null;
        }
        if (node == null) {
          return null;
        }
      }
      return node.isValueNode() && !node.isNull() ? node.asText() : null;
    }
  }
}
