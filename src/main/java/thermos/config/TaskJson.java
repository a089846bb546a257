package thermos.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes a task as Thermos' {@code to_json} does (SEMANTICS.md §1a): every default written out,
 * booleans as true/false, and {@code resources}, {@code logger}, {@code user} only when set.
 * {@code TaskLoader.parse(toJson(t), ...)} equals {@code t}.
 */
public final class TaskJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ObjectWriter PRETTY = MAPPER.writer(new DefaultPrettyPrinter(
      Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
      .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE));

  private TaskJson() {}

  /** One line, as written to {@code tasks/active/<task_id>}. */
  public static String toJson(TaskConfig task) {
    return write(MAPPER.writer(), task);
  }

  /** Indented, for people ({@code thermos inspect}). */
  public static String toPrettyJson(TaskConfig task) {
    return write(PRETTY, task);
  }

  /** The task as a JSON tree (also the scope of struct-internal refs in {@link Interpolation}). */
  static ObjectNode toTree(TaskConfig task) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("name", task.name());
    ArrayNode processes = o.putArray("processes");
    for (ProcessConfig p : task.processes()) {
      processes.add(process(p));
    }
    ArrayNode constraints = o.putArray("constraints");
    for (Constraint c : task.constraints()) {
      ArrayNode order = constraints.addObject().putArray("order");
      c.order().forEach(order::add);
    }
    if (task.resources() != null) {
      o.set("resources", resources(task.resources()));
    }
    o.put("max_failures", task.maxFailures());
    o.put("max_concurrency", task.maxConcurrency());
    o.put("finalization_wait", task.finalizationWaitSecs());
    if (task.user() != null) {
      o.put("user", task.user());
    }
    return o;
  }

  private static ObjectNode process(ProcessConfig p) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("name", p.name());
    o.put("cmdline", p.cmdline());
    if (p.resources() != null) {
      o.set("resources", resources(p.resources()));
    }
    o.put("max_failures", p.maxFailures());
    o.put("daemon", p.daemon());
    o.put("ephemeral", p.ephemeral());
    o.put("min_duration", p.minDurationSecs());
    o.put("final", p.isFinal());
    if (p.logger() != null) {
      o.set("logger", logger(p.logger()));
    }
    return o;
  }

  private static ObjectNode resources(Resources r) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("cpu", r.cpu());
    o.put("ram", r.ram());
    o.put("disk", r.disk());
    o.put("gpu", r.gpu());
    return o;
  }

  private static ObjectNode logger(LoggerConfig l) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("destination", l.destination().jsonName());
    o.put("mode", l.mode().jsonName());
    if (l.rotate() != null) {
      ObjectNode r = o.putObject("rotate");
      r.put("log_size", l.rotate().logSize());
      r.put("backups", l.rotate().backups());
    }
    return o;
  }

  private static String write(ObjectWriter writer, TaskConfig task) {
    try {
      return writer.writeValueAsString(toTree(task));
    } catch (JsonProcessingException e) {
      // A tree of strings and numbers always serializes.
      throw new IllegalStateException("cannot write task " + task.name(), e);
    }
  }
}
