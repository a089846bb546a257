package thermos.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** What this runner cost: CPU time and peak resident memory, for its final log line. */
final class ResourceUsage {
  private ResourceUsage() {}

  /** e.g. {@code "runner cpu 412 ms, peak rss 41 MiB"}. */
  static String describe() {
    long cpuMs = ProcessHandle.current().info().totalCpuDuration().map(Duration::toMillis)
        .orElse(-1L);
    return "runner cpu " + cpuMs + " ms, peak rss " + peakRssMiB() + " MiB";
  }

  private static long peakRssMiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // unknown
    }
    return -1;
  }
}
