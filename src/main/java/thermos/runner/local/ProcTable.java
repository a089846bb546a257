package thermos.runner.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * Reads the Linux process table ({@code /proc}). Every read may race with the process exiting:
 * a process that disappears mid-read is simply absent.
 */
public final class ProcTable {
  private static final Path PROC = Path.of("/proc");

  private final Path proc;
  private final double bootTime;
  private final double ticksPerSecond;

  public ProcTable() {
    this.proc = PROC;
    this.bootTime = readBootTime(PROC);
    this.ticksPerSecond = clockTicks();
  }

  /**
   * A process table kept elsewhere in the same layout ({@code stat}, {@code PID/stat}, {@code
   * PID/status}, {@code PID/environ}): tests build a fake one in a temp dir.
   */
  ProcTable(Path proc, double ticksPerSecond) {
    this.proc = proc;
    this.bootTime = readBootTime(proc);
    this.ticksPerSecond = ticksPerSecond;
  }

  /** The process {@code pid}, or empty if there is none (or it vanished while being read). */
  public Optional<ProcInfo> get(int pid) {
    return statOf(pid, ticksPerSecond);
  }

  private Optional<ProcInfo> statOf(int pid, double ticks) {
    String stat;
    try {
      stat = Files.readString(proc.resolve(Integer.toString(pid)).resolve("stat"),
          StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return Optional.empty();
    }
    int close = stat.lastIndexOf(')');
    if (close < 0 || close + 2 >= stat.length()) {
      return Optional.empty();
    }
    String[] f = stat.substring(close + 2).trim().split(" ");
    if (f.length < 20) {
      return Optional.empty();
    }
    try {
      long start = Long.parseLong(f[19]);
      return Optional.of(new ProcInfo(pid, Integer.parseInt(f[1]), Integer.parseInt(f[2]),
          Integer.parseInt(f[3]), f[0].charAt(0), start, bootTime + start / ticks));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * The real uid of {@code pid} ({@code Uid:} of {@code /proc/PID/status}, as Thermos' psutil
   * check reads it), or empty if it cannot be read — which makes the process not ours.
   */
  public OptionalInt realUid(int pid) {
    try {
      for (String line : Files.readAllLines(proc.resolve(Integer.toString(pid)).resolve("status"),
          StandardCharsets.ISO_8859_1)) {
        if (line.startsWith("Uid:")) {
          String[] f = line.substring(4).trim().split("\\s+");
          return OptionalInt.of(Integer.parseInt(f[0]));
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone, or unreadable: not provably ours
    }
    return OptionalInt.empty();
  }

  /** Every process in the table. */
  public List<ProcInfo> all() {
    List<ProcInfo> all = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(proc)) {
      for (Path p : stream) {
        String name = p.getFileName().toString();
        if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
          get(Integer.parseInt(name)).ifPresent(all::add);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + proc + ": " + e.getMessage(), e);
    }
    return all;
  }

  /** True if the environment of {@code pid} holds {@code NAME=VALUE} (false if unreadable). */
  public boolean hasEnvironment(int pid, String name, String value) {
    byte[] environ;
    try {
      environ = Files.readAllBytes(proc.resolve(Integer.toString(pid)).resolve("environ"));
    } catch (IOException e) {
      return false;
    }
    String wanted = name + "=" + value;
    for (String entry : new String(environ, StandardCharsets.UTF_8).split("\0")) {
      if (entry.equals(wanted)) {
        return true;
      }
    }
    return false;
  }

  /** The uid this JVM runs as. */
  public static int currentUid() {
    try {
      return (Integer) Files.getAttribute(PROC.resolve("self"), "unix:uid");
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc/self: " + e.getMessage(), e);
    }
  }

  private static double readBootTime(Path proc) {
    try {
      for (String line : Files.readAllLines(proc.resolve("stat"))) {
        if (line.startsWith("btime ")) {
          return Long.parseLong(line.substring(6).trim());
        }
      }
    } catch (IOException | NumberFormatException e) {
      // fall through
    }
    throw new IllegalStateException("cannot read the boot time from " + proc.resolve("stat"));
  }

  private static volatile double cachedTicks;

  private double clockTicks() {
    if (cachedTicks == 0) {
      cachedTicks = readClockTicks();
    }
    return cachedTicks;
  }

  /**
   * {@code sysconf(_SC_CLK_TCK)}: 100 on every Linux we know. Checked against the JDK's idea of
   * this JVM's start time (which uses the real value); only if they disagree do we ask getconf.
   */
  private double readClockTicks() {
    Optional<java.time.Instant> jdkStart = ProcessHandle.current().info().startInstant();
    Optional<ProcInfo> self = statOf((int) ProcessHandle.current().pid(), 100);
    if (jdkStart.isPresent() && self.isPresent()
        && Math.abs(jdkStart.get().toEpochMilli() / 1000.0 - self.get().startTime()) < 1.5) {
      return 100;
    }
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
      if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
        return Double.parseDouble(out);
      }
    } catch (IOException | NumberFormatException e) {
      // fall through to the default
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 100;
  }
}
