package thermos.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

class TaskIdsTest {
  @Test
  void defaultTaskIdIsNameDateTimeAndSixDigitMicros() {
    assertEquals("hello-20240305-070809.000042",
        TaskIds.defaultTaskId("hello", LocalDateTime.of(2024, 3, 5, 7, 8, 9, 42_999)));
    assertEquals("x-19991231-235959.999999",
        TaskIds.defaultTaskId("x", LocalDateTime.of(1999, 12, 31, 23, 59, 59, 999_999_999)));
  }
}
