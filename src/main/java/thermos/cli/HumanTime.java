package thermos.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Times as Thermos' CLI prints them ({@code time.asctime}, local time). */
final class HumanTime {
  private static final DateTimeFormatter ASCTIME =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT);

  private HumanTime() {}

  static String ofMillis(long epochMillis) {
    return ASCTIME.format(Instant.ofEpochMilli(epochMillis).atZone(ZoneId.systemDefault()));
  }

  static String ofSeconds(double epochSeconds) {
    return ofMillis((long) Math.floor(epochSeconds * 1000));
  }
}
