package thermos.runner.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import thermos.common.Clock;

/** Which processes count as a task's log pumps, and the bounded wait for them to end. */
@Tag("integration")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LogPumpDrainTest {
  @TempDir Path dir;
  private final List<Process> started = new ArrayList<>();
  private final ProcTable procs = new ProcTable();

  @AfterEach
  void tearDown() {
    started.forEach(Process::destroyForcibly);
  }

  /** A process marked as a pump of {@code task} that runs until its stdin is closed. */
  private Process pump(String task, String script) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("/bin/bash", "-c", script);
    pb.environment().put(LogPumpScript.MARKER, task);
    Process p = pb.start();
    started.add(p);
    if (script.startsWith("exec cat")) {
      awaitProcess(p.pid(), "cat"); // not mid-exec, when /proc shows no environment at all
    }
    return p;
  }

  private LogPumpDrain drain(String task, double taskStart) {
    return new LogPumpDrain(procs, new Owner(ProcTable.currentUid()), task, taskStart, Clock.SYSTEM);
  }

  private static double now() {
    return System.currentTimeMillis() / 1000.0;
  }

  private static List<Integer> pids(List<ProcInfo> pumps) {
    return pumps.stream().map(ProcInfo::pid).toList();
  }

  @Test
  void waitsUntilThePumpsEndAndGivesUpAtTheBound() throws Exception {
    double start = now() - 1;
    Process p = pump("t", "exec cat > /dev/null");
    LogPumpDrain drain = drain("t", start);
    assertEquals(List.of((int) p.pid()), pids(drain.livePumps()));
    long t0 = System.nanoTime();
    assertFalse(drain.await(Duration.ofMillis(100)), "the pump still has a writer");
    assertTrue(System.nanoTime() - t0 >= 100_000_000L, "waited the whole bound");
    p.getOutputStream().close(); // its last writer is gone: it ends on its own
    assertTrue(drain.await(Duration.ofSeconds(30)));
    assertEquals(List.of(), drain.livePumps());
  }

  @Test
  void onlyThisTasksPumpsStartedSinceTheTaskCount() throws Exception {
    pump("other", "exec cat > /dev/null");
    Process mine = pump("t", "exec cat > /dev/null");
    assertEquals(List.of((int) mine.pid()), pids(drain("t", now() - 1).livePumps()));
    assertEquals(List.of(), drain("t", now() + 60).livePumps(),
        "a process older than the task is not one of its pumps");
  }

  @Test
  void anExitedPumpNotYetReapedCountsAsExited() throws Exception {
    // The marked child exits when told, after its parent has become cat, which never reaps
    // it: a zombie.
    Path fifo = dir.resolve("go");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    Process parent = pump("t", "(read -r x < " + fifo + ") & echo $!; exec cat > /dev/null");
    int child = Integer.parseInt(new BufferedReader(new InputStreamReader(
        parent.getInputStream(), StandardCharsets.UTF_8)).readLine().trim());
    awaitProcess(parent.pid(), "cat");
    Files.writeString(fifo, "go\n");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (procs.get(child).map(ProcInfo::isAlive).orElse(false)) {
      if (System.nanoTime() > deadline) {
        fail("child " + child + " never exited");
      }
      LockSupport.parkNanos(2_000_000L);
    }
    Optional<ProcInfo> zombie = procs.get(child);
    assertTrue(zombie.isPresent() && zombie.get().state() == 'Z', "a zombie: " + zombie);
    assertEquals(List.of((int) parent.pid()), pids(drain("t", now() - 1).livePumps()));
  }

  /** Waits until {@code pid} runs {@code command} (after an exec). */
  private static void awaitProcess(long pid, String command) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Path comm = Path.of("/proc", Long.toString(pid), "comm");
    while (!Files.readString(comm).trim().equals(command)) {
      if (System.nanoTime() > deadline) {
        fail(pid + " never became " + command);
      }
      LockSupport.parkNanos(2_000_000L);
    }
  }
}
