package thermos.runner.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import thermos.ckpt.TaskPath;
import thermos.common.Clock;
import thermos.config.LoggerConfig;
import thermos.runner.LaunchRequest;
import thermos.runner.ProcessEvents;
import thermos.runner.RunRef;
import thermos.runner.Termination;

/** A new runner's platform re-attaching runs an earlier one launched (recovery). */
@Tag("integration")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LocalProcessPlatformReattachTest {
  @TempDir Path dir;

  /** Every event, as text. */
  private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
  private final ProcessEvents recorder = new ProcessEvents() {
    @Override
    public void running(String process, int run, int pid, double startTime) {
      events.add(process + "/" + run + " running " + pid + " " + startTime);
    }

    @Override
    public void exited(String process, int run, Termination termination, double stopTime) {
      events.add(process + "/" + run + " exited " + termination.returnCode());
    }

    @Override
    public void vanished(String process, int run) {
      events.add(process + "/" + run + " vanished");
    }
  };

  private String next() throws InterruptedException {
    String e = events.poll(30, TimeUnit.SECONDS);
    assertNotNull(e, "no event");
    return e;
  }

  @Test
  void anExitReadBeforeItsRunIsReattachedIsStillReported() throws Exception {
    TaskPath paths = new TaskPath(dir.resolve("root"));
    Path sandbox = Files.createDirectories(dir.resolve("sandbox"));
    double start = System.currentTimeMillis() / 1000.0 - 1;
    LocalProcessPlatform first = new LocalProcessPlatform(paths, "t", Clock.SYSTEM, start);
    RunRef launched = first.launch(new LaunchRequest("p", 0,
        "while [ ! -e go ]; do sleep 0.01; done; exit 3", Map.of("PATH", System.getenv("PATH")),
        sandbox, null, sandbox.resolve(".logs/p/0"), LoggerConfig.defaults()), recorder);
    String[] running = next().split(" "); // p/0 running PID START
    first.close(); // that runner is gone; the run goes on and ends while nobody follows it
    Files.writeString(sandbox.resolve("go"), "");
    Path coordinatorFile = paths.processCheckpoint("t", "p");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.readString(coordinatorFile).contains(" EXIT ")) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no exit recorded");
      }
      LockSupport.parkNanos(2_000_000L);
    }
    try (LocalProcessPlatform second = new LocalProcessPlatform(paths, "t", Clock.SYSTEM,
        start)) {
      // The file is read before run 0 is followed (as on a file event while another run is
      // being re-attached): here, by re-attaching a run of the same process that never started.
      second.reattach(new RunRef("p", 1, launched.coordinatorPid(), launched.forkTime(), null,
          null), recorder);
      assertEquals("p/1 vanished", next());
      second.reattach(launched.withUser(Integer.parseInt(running[2]),
          Double.parseDouble(running[3])), recorder);
      assertEquals("p/0 exited 3", next(), "the exit status, not a loss");
    }
  }
}
