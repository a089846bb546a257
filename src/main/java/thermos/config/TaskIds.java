package thermos.config;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** Task ids the runner makes up when none is given. */
public final class TaskIds {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private TaskIds() {}

  /**
   * Thermos' default id: {@code <task name>-YYYYmmdd-HHMMSS.<microseconds, 6 digits>}, in local
   * time as Python's {@code time.strftime} gives it.
   */
  public static String defaultTaskId(String taskName, LocalDateTime now) {
    return taskName + "-" + STAMP.format(now) + "." + String.format("%06d", now.getNano() / 1000);
  }
}
