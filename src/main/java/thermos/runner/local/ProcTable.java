package thermos.runner.local;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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

  /** {@code /proc/PID/stat} is about 300 bytes; longer ones are read in full anyway. */
  private static final int STAT_BUFFER = 1024;
  /** Enough of {@code /proc/PID/status} to reach its {@code Uid:} line (the 9th). */
  private static final int STATUS_BUFFER = 4096;
  /** stat fields 4 (ppid) to 22 (start time). */
  private static final int STAT_FIELDS_NEEDED = 19;
  /** How often, and how far apart, an empty environment is read again (an exec takes < 1 ms). */
  private static final int EXEC_RETRIES = 10;
  private static final long EXEC_RETRY_NANOS = 200_000L;
  private static final byte[] UID_TAG = "Uid:".getBytes(StandardCharsets.US_ASCII);

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
    return Optional.ofNullable(statOf(pid, ticksPerSecond, new byte[STAT_BUFFER]));
  }

  /**
   * Parses {@code PID/stat} straight from its bytes: a scan reads one such file per process, so
   * this is the hot path of every teardown (no String, no split, one buffer per scan).
   */
  private ProcInfo statOf(int pid, double ticks, byte[] buffer) {
    byte[] b = buffer;
    int n;
    try (FileInputStream in = new FileInputStream(procFile(pid, "stat"))) {
      n = readFully(in, b);
      if (n == b.length) { // a very long command name: read the rest
        b = java.util.Arrays.copyOf(b, b.length * 4);
        n += readFully(in, b, n);
      }
    } catch (IOException e) {
      return null;
    }
    // Fields after the command name, which is in parentheses and may hold anything.
    int i = n - 1;
    while (i >= 0 && b[i] != ')') {
      i--;
    }
    i += 2; // ") "
    if (i <= 1 || i >= n) {
      return null;
    }
    char state = (char) b[i];
    long[] f = new long[STAT_FIELDS_NEEDED]; // fields 4 (ppid) .. 22 (starttime), 1-based
    int field = 4;
    i += 2;
    long value = 0;
    boolean digits = false;
    for (; i < n && field < 4 + STAT_FIELDS_NEEDED; i++) {
      byte c = b[i];
      if (c >= '0' && c <= '9') {
        value = value * 10 + (c - '0');
        digits = true;
      } else if (c == ' ' || c == '\n') {
        if (!digits && field <= 22) {
          return null;
        }
        f[field - 4] = value;
        field++;
        value = 0;
        digits = false;
      } else if (c != '-') {
        return null; // not a number: not a stat line we understand
      }
    }
    if (field < 4 + STAT_FIELDS_NEEDED) {
      if (field != 22 || !digits) {
        return null; // the line ended before the start time
      }
      f[field - 4] = value; // the line ended right after it
    }
    long start = f[22 - 4];
    return new ProcInfo(pid, (int) f[0], (int) f[1], (int) f[2], state, start,
        bootTime + start / ticks);
  }

  /**
   * The real uid of {@code pid} ({@code Uid:} of {@code /proc/PID/status}, as Thermos' psutil
   * check reads it), or empty if it cannot be read — which makes the process not ours.
   */
  public OptionalInt realUid(int pid) {
    byte[] b = new byte[STATUS_BUFFER];
    int n;
    try (FileInputStream in = new FileInputStream(procFile(pid, "status"))) {
      n = readFully(in, b);
    } catch (IOException e) {
      return OptionalInt.empty(); // gone, or unreadable: not provably ours
    }
    for (int i = 0; i + UID_TAG.length < n; i++) {
      if ((i == 0 || b[i - 1] == '\n') && startsWith(b, i, UID_TAG)) {
        int j = i + UID_TAG.length;
        while (j < n && (b[j] == '\t' || b[j] == ' ')) {
          j++;
        }
        long uid = 0;
        int first = j;
        while (j < n && b[j] >= '0' && b[j] <= '9') {
          uid = uid * 10 + (b[j++] - '0');
        }
        return j > first && uid <= Integer.MAX_VALUE ? OptionalInt.of((int) uid)
            : OptionalInt.empty();
      }
    }
    return OptionalInt.empty();
  }

  /** Every process in the table. */
  public List<ProcInfo> all() {
    String[] names = proc.toFile().list();
    if (names == null) {
      throw new IllegalStateException("cannot list " + proc);
    }
    List<ProcInfo> all = new ArrayList<>(names.length);
    byte[] buffer = new byte[STAT_BUFFER];
    for (String name : names) {
      int pid = pidOf(name);
      if (pid > 0) {
        ProcInfo p = statOf(pid, ticksPerSecond, buffer);
        if (p != null) {
          all.add(p);
        }
      }
    }
    return all;
  }

  /** True if the environment of {@code pid} holds {@code NAME=VALUE} (false if unreadable). */
  public boolean hasEnvironment(int pid, String name, String value) {
    byte[] environ = environ(pid);
    // A process in the middle of an exec shows no environment for a moment (the new image's is
    // not set up yet): look again briefly before calling it unmarked.
    for (int again = 0; environ != null && environ.length == 0 && again < EXEC_RETRIES; again++) {
      java.util.concurrent.locks.LockSupport.parkNanos(EXEC_RETRY_NANOS);
      environ = environ(pid);
    }
    if (environ == null) {
      return false;
    }
    byte[] wanted = (name + "=" + value).getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i + wanted.length <= environ.length; i++) {
      // An entry starts the block or follows a NUL, and ends with a NUL or the block's end.
      if ((i == 0 || environ[i - 1] == 0) && startsWith(environ, i, wanted)
          && (i + wanted.length == environ.length || environ[i + wanted.length] == 0)) {
        return true;
      }
    }
    return false;
  }

  private byte[] environ(int pid) {
    try (FileInputStream in = new FileInputStream(procFile(pid, "environ"))) {
      return in.readAllBytes();
    } catch (IOException e) {
      return null;
    }
  }

  private java.io.File procFile(int pid, String name) {
    return new java.io.File(proc.toString() + "/" + pid + "/" + name);
  }

  /** The pid a {@code /proc} entry names, or -1 if it is not a process. */
  private static int pidOf(String name) {
    if (name.isEmpty() || name.length() > 10) {
      return -1;
    }
    long pid = 0;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      pid = pid * 10 + (c - '0');
    }
    return pid <= Integer.MAX_VALUE ? (int) pid : -1;
  }

  private static int readFully(FileInputStream in, byte[] b) throws IOException {
    return readFully(in, b, 0);
  }

  private static int readFully(FileInputStream in, byte[] b, int from) throws IOException {
    int n = from;
    int r;
    while (n < b.length && (r = in.read(b, n, b.length - n)) > 0) {
      n += r;
    }
    return n - from;
  }

  private static boolean startsWith(byte[] b, int at, byte[] prefix) {
    for (int k = 0; k < prefix.length; k++) {
      if (b[at + k] != prefix[k]) {
        return false;
      }
    }
    return true;
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
    ProcInfo self = statOf((int) ProcessHandle.current().pid(), 100, new byte[STAT_BUFFER]);
    if (jdkStart.isPresent() && self != null
        && Math.abs(jdkStart.get().toEpochMilli() / 1000.0 - self.startTime()) < 1.5) {
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
