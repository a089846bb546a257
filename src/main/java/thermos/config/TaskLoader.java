package thermos.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads task JSON (SEMANTICS.md §1a) into a {@link TaskConfig}: every default applied, unknown
 * keys and wrong types rejected with the field's path, 0/1 accepted for booleans (2012 files).
 * It checks the shape only; {@link TaskValidator} checks names, plan and refs.
 */
public final class TaskLoader {
  static final List<String> TASK_KEYS = List.of("name", "processes", "constraints", "resources",
      "max_failures", "max_concurrency", "finalization_wait", "user");
  static final List<String> PROCESS_KEYS = List.of("name", "cmdline", "resources",
      "max_failures", "daemon", "ephemeral", "min_duration", "final", "logger");
  static final List<String> CONSTRAINT_KEYS = List.of("order");
  static final List<String> RESOURCES_KEYS = List.of("cpu", "ram", "disk", "gpu");
  static final List<String> LOGGER_KEYS = List.of("destination", "mode", "rotate");
  static final List<String> ROTATE_KEYS = List.of("log_size", "backups");
  // Fields of the 2012 schema that the fixtures still carry: accepted, type-checked, dropped.
  private static final String LEGACY_MIN_SUCCESSES = "min_successes";
  private static final String LEGACY_BEST_EFFORT = "best_effort";

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private TaskLoader() {}

  /**
   * Loads the task JSON file at {@code file}; errors are prefixed with the path as given.
   *
   * @throws NoSuchFileException if the file does not exist
   * @throws IOException if it cannot be read
   * @throws InvalidTaskException if its content is not a well-formed task
   */
  public static TaskConfig load(Path file) throws IOException, InvalidTaskException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(file.toString(), null, "task JSON file does not exist");
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw malformed(file.toString(), e);
    }
    return task(root, file.toString());
  }

  /** Parses task JSON; {@code sourceName} starts every error message. */
  public static TaskConfig parse(String json, String sourceName) throws InvalidTaskException {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw malformed(sourceName, e);
    }
    return task(root, sourceName);
  }

  private static TaskConfig task(JsonNode root, String source) throws InvalidTaskException {
    if (root == null || root.isMissingNode()) {
      throw new InvalidTaskException(source + ": empty: expected a task as a JSON object");
    }
    if (!root.isObject()) {
      throw new InvalidTaskException(source + ": expected a task as a JSON object, got "
          + JsonFields.describe(root));
    }
    JsonFields f = JsonFields.open(root, "", source, TASK_KEYS, Set.of(LEGACY_MIN_SUCCESSES));
    String name = f.optionalString("name", TaskConfig.DEFAULT_NAME);
    List<ProcessConfig> processes = f.requiredList("processes",
        (node, path) -> process(JsonFields.open(node, path, source, PROCESS_KEYS, Set.of())));
    List<Constraint> constraints = f.optionalList("constraints",
        (node, path) -> constraint(
            JsonFields.open(node, path, source, CONSTRAINT_KEYS, Set.of())));
    Resources resources = resources(f);
    int maxFailures = f.optionalInt("max_failures", TaskConfig.DEFAULT_MAX_FAILURES);
    int maxConcurrency = f.optionalInt("max_concurrency", TaskConfig.DEFAULT_MAX_CONCURRENCY);
    int finalizationWait =
        f.optionalInt("finalization_wait", TaskConfig.DEFAULT_FINALIZATION_WAIT_SECS);
    String user = f.optionalString("user", null);
    f.optionalInt(LEGACY_MIN_SUCCESSES, 0);
    return new TaskConfig(name, processes, constraints == null ? List.of() : constraints,
        resources, maxFailures, maxConcurrency, finalizationWait, user);
  }

  private static ProcessConfig process(JsonFields f) throws InvalidTaskException {
    String name = f.requiredString("name");
    String cmdline = f.requiredString("cmdline");
    return new ProcessConfig(name, cmdline,
        resources(f),
        f.optionalInt("max_failures", ProcessConfig.DEFAULT_MAX_FAILURES),
        f.optionalBool("daemon", false),
        f.optionalBool("ephemeral", false),
        f.optionalInt("min_duration", ProcessConfig.DEFAULT_MIN_DURATION_SECS),
        f.optionalBool("final", false),
        logger(f));
  }

  private static Constraint constraint(JsonFields f) throws InvalidTaskException {
    return new Constraint(f.requiredList("order", (node, path) -> f.string(node, path)));
  }

  /** The {@code resources} of a task or process, or null when absent. */
  private static Resources resources(JsonFields parent) throws InvalidTaskException {
    JsonFields f = parent.optionalObject("resources", RESOURCES_KEYS, Set.of(LEGACY_BEST_EFFORT));
    if (f == null) {
      return null;
    }
    double cpu = f.requiredDouble("cpu");
    long ram = f.requiredLong("ram");
    long disk = f.requiredLong("disk");
    int gpu = f.optionalInt("gpu", 0);
    f.optionalBool(LEGACY_BEST_EFFORT, false);
    return new Resources(cpu, ram, disk, gpu);
  }

  private static LoggerConfig logger(JsonFields parent) throws InvalidTaskException {
    JsonFields f = parent.optionalObject("logger", LOGGER_KEYS, Set.of());
    if (f == null) {
      return null;
    }
    LoggerConfig.Destination destination = f.has("destination")
        ? enumValue(f, "destination", LoggerConfig.Destination.class)
        : LoggerConfig.Destination.FILE;
    LoggerConfig.Mode mode = f.has("mode")
        ? enumValue(f, "mode", LoggerConfig.Mode.class)
        : LoggerConfig.Mode.STANDARD;
    JsonFields r = f.optionalObject("rotate", ROTATE_KEYS, Set.of());
    RotatePolicy rotate = r == null ? null : new RotatePolicy(
        r.optionalLong("log_size", RotatePolicy.DEFAULT_LOG_SIZE),
        r.optionalInt("backups", RotatePolicy.DEFAULT_BACKUPS));
    return new LoggerConfig(destination, mode, rotate);
  }

  /** A pystachio Enum: one of the lower-case constant names, case-sensitive. */
  private static <E extends Enum<E>> E enumValue(JsonFields f, String key, Class<E> type)
      throws InvalidTaskException {
    String s = f.requiredString(key);
    StringBuilder choices = new StringBuilder();
    for (E e : type.getEnumConstants()) {
      String jsonName = e.name().toLowerCase(Locale.ROOT);
      if (jsonName.equals(s)) {
        return e;
      }
      choices.append(choices.length() == 0 ? "" : ", ").append(jsonName);
    }
    throw f.error(f.pathOf(key), "expected one of " + choices + ", got \"" + s + "\"");
  }

  private static InvalidTaskException malformed(String source, JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    // Jackson's message may span lines and quote a redacted source: keep it to one clean line.
    String why = String.valueOf(e.getOriginalMessage())
        .replaceAll("\\[Source: [^;\\]]*; ", "[")
        .replaceAll("\\s+", " ")
        .trim();
    return new InvalidTaskException(source + ": malformed JSON" + where + ": " + why, e);
  }
}
