package thermos.config;

import java.util.Map;

/** What the runner binds as {@code {{thermos.*}}}: the task id, the port map and the user. */
public record ThermosContext(String taskId, Map<String, Integer> ports, String user) {
  public ThermosContext {
    ports = Map.copyOf(ports);
  }
}
