package thermos.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * One JSON object of a task file, read field by field with explicit type checks, so that every
 * error names the source and the field's path ({@code task.json: processes[1].max_failures: ...}).
 * Unknown keys are rejected when the object is opened, as Thermos' {@code json_load} does.
 * A JSON {@code null} counts as an absent field.
 */
final class JsonFields {
  /** Reads one element of a JSON array. */
  @FunctionalInterface
  interface ElementReader<T> {
    T read(JsonNode node, String path) throws InvalidTaskException;
  }

  private final JsonNode node;
  private final String path;
  private final String source;

  private JsonFields(JsonNode node, String path, String source) {
    this.node = node;
    this.path = path;
    this.source = source;
  }

  /**
   * Opens {@code node} as an object whose keys are all in {@code known} or {@code legacy}
   * ({@code legacy}: keys of the 2012 format that still load but mean nothing now).
   */
  static JsonFields open(JsonNode node, String path, String source, List<String> known,
      Set<String> legacy) throws InvalidTaskException {
    if (!node.isObject()) {
      throw error(source, path, "expected an object, got " + describe(node));
    }
    List<String> unknown = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!known.contains(key) && !legacy.contains(key)) {
        unknown.add(join(path, key));
      }
    }
    if (!unknown.isEmpty()) {
      throw error(source, "", (unknown.size() == 1 ? "unknown key " : "unknown keys ")
          + String.join(", ", unknown) + " (expected "
          + (path.isEmpty() ? "" : "in " + path + " ") + "one of: " + String.join(", ", known)
          + ")");
    }
    return new JsonFields(node, path, source);
  }

  String path() {
    return path;
  }

  String source() {
    return source;
  }

  /** The path of {@code key} in this object. */
  String pathOf(String key) {
    return join(path, key);
  }

  boolean has(String key) {
    return value(key) != null;
  }

  String requiredString(String key) throws InvalidTaskException {
    return string(required(key), pathOf(key));
  }

  /** The string, or {@code dflt} when absent. */
  String optionalString(String key, String dflt) throws InvalidTaskException {
    JsonNode v = value(key);
    return v == null ? dflt : string(v, pathOf(key));
  }

  int optionalInt(String key, int dflt) throws InvalidTaskException {
    JsonNode v = value(key);
    if (v == null) {
      return dflt;
    }
    long n = nonNegativeInteger(v, pathOf(key));
    if (n > Integer.MAX_VALUE) {
      throw error(source, pathOf(key), "too large: " + v.asText() + " (at most "
          + Integer.MAX_VALUE + ")");
    }
    return (int) n;
  }

  long requiredLong(String key) throws InvalidTaskException {
    return nonNegativeInteger(required(key), pathOf(key));
  }

  long optionalLong(String key, long dflt) throws InvalidTaskException {
    JsonNode v = value(key);
    return v == null ? dflt : nonNegativeInteger(v, pathOf(key));
  }

  /** A non-negative number; integers are accepted for floats, as pystachio's Float does. */
  double requiredDouble(String key) throws InvalidTaskException {
    JsonNode v = required(key);
    if (!v.isNumber()) {
      throw error(source, pathOf(key), "expected a number, got " + describe(v));
    }
    double d = v.doubleValue();
    if (d < 0 || !Double.isFinite(d)) {
      throw error(source, pathOf(key), "must not be negative, got " + v.asText());
    }
    return d;
  }

  /** JSON true/false, or the 2012 format's 0/1. */
  boolean optionalBool(String key, boolean dflt) throws InvalidTaskException {
    JsonNode v = value(key);
    if (v == null) {
      return dflt;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isIntegralNumber() && v.canConvertToLong()
        && (v.longValue() == 0 || v.longValue() == 1)) {
      return v.asLong() == 1;
    }
    throw error(source, pathOf(key), "expected a boolean (true/false or 0/1), got "
        + describe(v));
  }

  /** The nested object at {@code key}, or null when absent. */
  JsonFields optionalObject(String key, List<String> known, Set<String> legacy)
      throws InvalidTaskException {
    JsonNode v = value(key);
    return v == null ? null : open(v, pathOf(key), source, known, legacy);
  }

  /** The array at {@code key}, each element read by {@code reader}; null when absent. */
  <T> List<T> optionalList(String key, ElementReader<T> reader) throws InvalidTaskException {
    JsonNode v = value(key);
    return v == null ? null : list(v, pathOf(key), reader);
  }

  <T> List<T> requiredList(String key, ElementReader<T> reader) throws InvalidTaskException {
    return list(required(key), pathOf(key), reader);
  }

  <T> List<T> list(JsonNode v, String listPath, ElementReader<T> reader)
      throws InvalidTaskException {
    if (!v.isArray()) {
      throw error(source, listPath, "expected a list, got " + describe(v));
    }
    List<T> out = new ArrayList<>(v.size());
    for (int i = 0; i < v.size(); i++) {
      out.add(reader.read(v.get(i), listPath + "[" + i + "]"));
    }
    return out;
  }

  String string(JsonNode v, String at) throws InvalidTaskException {
    if (!v.isTextual()) {
      throw error(source, at, "expected a string, got " + describe(v));
    }
    return v.textValue();
  }

  InvalidTaskException error(String at, String message) {
    return error(source, at, message);
  }

  static InvalidTaskException error(String source, String at, String message) {
    return new InvalidTaskException(source + ": " + (at.isEmpty() ? "" : at + ": ") + message);
  }

  /** A short rendering of a JSON value for error messages. */
  static String describe(JsonNode v) {
    if (v.isTextual()) {
      String s = v.toString();
      return s.length() > 60 ? s.substring(0, 57) + "...\"" : s;
    }
    if (v.isObject()) {
      return "an object";
    }
    if (v.isArray()) {
      return "a list";
    }
    return v.toString();
  }

  private long nonNegativeInteger(JsonNode v, String at) throws InvalidTaskException {
    if (!v.isIntegralNumber()) {
      throw error(source, at, "expected an integer, got " + describe(v));
    }
    if (!v.canConvertToLong()) {
      throw error(source, at, "too large: " + v.asText());
    }
    long n = v.longValue();
    if (n < 0) {
      throw error(source, at, "must not be negative, got " + n);
    }
    return n;
  }

  private JsonNode required(String key) throws InvalidTaskException {
    JsonNode v = value(key);
    if (v == null) {
      throw error(source, path, "missing required field " + key);
    }
    return v;
  }

  private JsonNode value(String key) {
    JsonNode v = node.get(key);
    return v == null || v.isNull() ? null : v;
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }
}
