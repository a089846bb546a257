package thermos.runner.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;
import java.util.stream.Stream;
import thermos.runner.Signal;

/**
 * A fake {@code /proc} in a directory ({@code stat} with the boot time; per pid {@code stat},
 * {@code status}, {@code environ}) and fake {@link ProcessHandle}s over it: what {@link
 * ProcTable} reads and what {@link ProcessSignaller} signals, with no real process involved.
 *
 * <p>A signal is recorded; by default SIGKILL (and SIGTERM) turn the process into a zombie.
 */
final class FakeProc {
  static final long BOOT = 1_700_000_000L;
  static final double TICKS = 100;

  /** One fake process. */
  final class P {
    final int pid;
    int session;
    int uid;
    long startTicks;
    char state = 'S';
    String env = "";
    boolean ignoresTerm;
    boolean unkillable;
    /** Runs when the process receives SIGKILL (e.g. it forks a child just then). */
    Runnable onKill = () -> { };

    P(int pid) {
      this.pid = pid;
    }

    double startTime() {
      return BOOT + startTicks / TICKS;
    }

    P session(int s) {
      session = s;
      return write();
    }

    P uid(int u) {
      uid = u;
      return write();
    }

    P startedAt(double epochSeconds) {
      startTicks = Math.round((epochSeconds - BOOT) * TICKS);
      return write();
    }

    P env(String... entries) {
      env = String.join("\0", entries) + "\0";
      return write();
    }

    P zombie() {
      state = 'Z';
      return write();
    }

    /** No {@code status} file: its uid cannot be read. */
    P noStatus() {
      try {
        Files.deleteIfExists(dir().resolve("status"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    Path dir() {
      return root.resolve(Integer.toString(pid));
    }

    P write() {
      try {
        Files.createDirectories(dir());
        Files.writeString(dir().resolve("stat"), pid + " (fake proc) " + state + " 1 " + session
            + " " + session + " 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 " + startTicks
            + " 1000 100", StandardCharsets.ISO_8859_1);
        Files.writeString(dir().resolve("status"), "Name:\tfake\nState:\t" + state
            + "\nUid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid + "\n");
        Files.writeString(dir().resolve("environ"), env);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    /** The pid now belongs to a process started at {@code epochSeconds} (pid reuse). */
    P reusedAt(double epochSeconds) {
      state = 'S';
      return startedAt(epochSeconds);
    }
  }

  final Path root;
  final Map<Integer, P> procs = new HashMap<>();
  /** Every signal delivered, as "PID:SIGNAL". */
  final List<String> signals = new ArrayList<>();
  /** Called with the pid each time a handle is looked up (to race the lookup). */
  IntConsumer onLookup = pid -> { };

  FakeProc(Path root) throws IOException {
    this.root = root;
    Files.createDirectories(root);
    Files.writeString(root.resolve("stat"), "cpu  1 2 3 4\nbtime " + BOOT + "\nprocesses 9\n");
  }

  ProcTable table() {
    return new ProcTable(root, TICKS);
  }

  ProcessSignaller signaller() {
    return new ProcessSignaller(this::handle);
  }

  P add(int pid, int session, int uid, double startedAt) {
    P p = new P(pid);
    p.session = session;
    p.uid = uid;
    p.startTicks = Math.round((startedAt - BOOT) * TICKS);
    procs.put(pid, p);
    return p.write();
  }

  void remove(int pid) throws IOException {
    procs.remove(pid);
    try (Stream<Path> files = Files.list(root.resolve(Integer.toString(pid)))) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    Files.delete(root.resolve(Integer.toString(pid)));
  }

  /** What {@code ProcessHandle.of(pid)} gives: a handle pinned to the process there now. */
  Optional<ProcessHandle> handle(int pid) {
    onLookup.accept(pid);
    P p = procs.get(pid);
    if (p == null) {
      return Optional.empty();
    }
    return Optional.of(new Handle(p, p.startTicks));
  }

  /** A handle to one process: signals reach it only while the pid still has that start. */
  private final class Handle implements ProcessHandle {
    private final P p;
    private final long pinnedTicks;

    Handle(P p, long pinnedTicks) {
      this.p = p;
      this.pinnedTicks = pinnedTicks;
    }

    private boolean deliver(Signal s) {
      if (procs.get(p.pid) != p || p.startTicks != pinnedTicks || p.state == 'Z') {
        return false;
      }
      signals.add(p.pid + ":" + s);
      if (s == Signal.KILL && !p.unkillable) {
        p.zombie();
        p.onKill.run();
      } else if (s == Signal.TERM && !p.ignoresTerm && !p.unkillable) {
        p.zombie();
      }
      return true;
    }

    @Override
    public long pid() {
      return p.pid;
    }

    @Override
    public Optional<ProcessHandle> parent() {
      return Optional.empty();
    }

    @Override
    public Stream<ProcessHandle> children() {
      return Stream.empty();
    }

    @Override
    public Stream<ProcessHandle> descendants() {
      return Stream.empty();
    }

    @Override
    public Info info() {
      Instant start = Instant.ofEpochMilli(
          Math.round((BOOT + pinnedTicks / TICKS) * 1000));
      return new Info() {
        @Override
        public Optional<String> command() {
          return Optional.empty();
        }

        @Override
        public Optional<String> commandLine() {
          return Optional.empty();
        }

        @Override
        public Optional<String[]> arguments() {
          return Optional.empty();
        }

        @Override
        public Optional<Instant> startInstant() {
          return Optional.of(start);
        }

        @Override
        public Optional<Duration> totalCpuDuration() {
          return Optional.empty();
        }

        @Override
        public Optional<String> user() {
          return Optional.empty();
        }
      };
    }

    @Override
    public CompletableFuture<ProcessHandle> onExit() {
      return new CompletableFuture<>();
    }

    @Override
    public boolean supportsNormalTermination() {
      return true;
    }

    @Override
    public boolean destroy() {
      return deliver(Signal.TERM);
    }

    @Override
    public boolean destroyForcibly() {
      return deliver(Signal.KILL);
    }

    @Override
    public boolean isAlive() {
      return procs.get(p.pid) == p && p.state != 'Z';
    }

    @Override
    public int compareTo(ProcessHandle other) {
      return Long.compare(pid(), other.pid());
    }
  }
}
