package thermos.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pystachio ref, the text between {@code {{ }}}: a name followed by {@code .attribute} and
 * {@code [index]} components, e.g. {@code thermos.ports[http]} or {@code processes[0].name}.
 *
 * @param address the ref as written (without braces)
 * @param components the parsed components; the first is always an attribute
 */
record MustacheRef(String address, List<Component> components) {
  /** {@code .name} (an attribute) or {@code [value]} (an index). */
  record Component(boolean index, String value) {}

  /** A {@code {{...}}} whose content has no braces: nested refs resolve innermost first. */
  static final Pattern PATTERN = Pattern.compile("\\{\\{([^{}]*)\\}\\}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern NEXT =
      Pattern.compile("\\.([A-Za-z_][A-Za-z0-9_]*)|\\[([^\\[\\]]+)\\]");

  MustacheRef {
    components = List.copyOf(components);
  }

  /** Parses {@code address}, or returns null if it is not a ref (it then stays unbound). */
  static MustacheRef parse(String address) {
    Matcher first = NAME.matcher(address);
    if (!first.lookingAt()) {
      return null;
    }
    List<Component> components = new ArrayList<>();
    components.add(new Component(false, first.group()));
    Matcher next = NEXT.matcher(address);
    int at = first.end();
    while (at < address.length()) {
      next.region(at, address.length());
      if (!next.lookingAt()) {
        return null;
      }
      components.add(next.group(1) != null
          ? new Component(false, next.group(1))
          : new Component(true, next.group(2)));
      at = next.end();
    }
    return new MustacheRef(address, components);
  }

  int size() {
    return components.size();
  }

  Component get(int i) {
    return components.get(i);
  }

  /** True if the ref starts with the attributes {@code names...}. */
  boolean startsWith(String... names) {
    if (components.size() < names.length) {
      return false;
    }
    for (int i = 0; i < names.length; i++) {
      if (components.get(i).index() || !components.get(i).value().equals(names[i])) {
        return false;
      }
    }
    return true;
  }
}
