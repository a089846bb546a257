package thermos.config;

import java.util.List;

/** An ordering constraint: the named processes run serially, left to right. */
public record Constraint(List<String> order) {
  public Constraint {
    order = List.copyOf(order);
  }
}
