package thermos.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code --port NAME:PORT} (repeatable): the ports bound as {@code {{thermos.ports[NAME]}}}. */
public final class PortOptions {
  /** One {@code --port} value. */
  record PortBinding(String name, int port) {}

  @Option(names = "--port", paramLabel = "NAME:PORT", converter = PortConverter.class,
      description = "Bind {{thermos.ports[NAME]}} to PORT (repeatable).")
  private List<PortBinding> ports = new ArrayList<>();

  /** The port map; a name given twice is a usage error (which one was meant is unclear). */
  public Map<String, Integer> portmap() {
    Map<String, Integer> map = new TreeMap<>();
    for (PortBinding b : ports) {
      Integer previous = map.put(b.name(), b.port());
      if (previous != null) {
        throw new CliException(ExitCodes.USAGE, "port " + b.name() + " given twice (--port "
            + b.name() + ":" + previous + " and --port " + b.name() + ":" + b.port() + ")");
      }
    }
    return map;
  }

  /** Parses NAME:PORT; picocli turns a failure into a usage error naming the value. */
  static final class PortConverter implements ITypeConverter<PortBinding> {
    @Override
    public PortBinding convert(String value) {
      try {
        thermos.config.PortBinding b = thermos.config.PortBinding.parse(value);
        return new PortBinding(b.name(), b.port());
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
