package thermos.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static thermos.it.TaskFixture.running;
import static thermos.it.TaskFixture.terminal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.proto.ProcessState;
import thermos.proto.ProcessStatus;
import thermos.proto.RunnerState;
import thermos.proto.TaskState;

/**
 * Piped output (destination both, mode rotate) is copied by log pumps outside the runner
 * (SEMANTICS.md §1b.13): a runner that dies or is replaced neither kills the process (SIGPIPE)
 * nor loses its output.
 */
@Tag("integration")
class ProcessOutputIntegrationTest {
  private static final int LOG_SIZE = 500;

  private static final String TASK = "{\"name\": \"chatty\", \"processes\": ["
      + process("rot", "file", "echo rot-$i") + ", "
      + process("tee", "both", "echo tee-$i; echo tee-err-$i >&2") + "]}";

  /** A process writing numbered lines until SANDBOX/stop exists, then NAME-end. */
  private static String process(String name, String destination, String write) {
    String cmdline = "i=0; while [ ! -e stop ]; do " + write + "; i=$((i+1)); sleep 0.01; done; "
        + "echo " + name + "-end";
    return "{\"name\": \"" + name + "\", \"cmdline\": \"" + cmdline + "\", \"logger\": "
        + "{\"destination\": \"" + destination + "\", \"mode\": \"rotate\", \"rotate\": "
        + "{\"log_size\": " + LOG_SIZE + ", \"backups\": 10000}}}";
  }

  @TempDir Path dir;

  @Test
  void outputSurvivesARunnerKilledMidTask() throws Exception {
    survives(false);
  }

  @Test
  void outputSurvivesAForceTakeover() throws Exception {
    survives(true);
  }

  private void survives(boolean force) throws Exception {
    try (TaskFixture f = new TaskFixture(dir, force ? "forced" : "crashed")) {
      Path task = f.writeTask(TASK);
      Process first = f.startRunner(task);
      f.await("both running", s -> running(s, "rot") && running(s, "tee"));
      Path rot = f.sandbox.resolve(".logs/rot/0");
      Path tee = f.sandbox.resolve(".logs/tee/0");
      awaitTrue("rotation before the runner dies", () -> Files.exists(rot.resolve("stdout.1"))
          && Files.exists(tee.resolve("stdout.1")));
      Process second = null;
      if (force) {
        second = f.startRunner(task, "--force");
        assertEquals(137, f.awaitExit(first), "the old runner was SIGKILLed");
      } else {
        first.destroyForcibly();
        first.waitFor();
      }
      // No runner reads anything now (none at all after a crash): the output keeps coming.
      int rotFiles = rotations(rot);
      int teeFiles = rotations(tee);
      awaitTrue("output while the runner is gone",
          () -> rotations(rot) >= rotFiles + 2 && rotations(tee) >= teeFiles + 2);
      if (!force) {
        second = f.startRunner(task);
      }
      Process recovering = second;
      f.await("the new runner leads", s -> s.getStatuses(s.getStatusesCount() - 1)
          .getRunnerPid() == recovering.pid());
      Files.writeString(f.sandbox.resolve("stop"), "");
      RunnerState s = f.await("terminal", TaskFixture::terminal);
      assertEquals(0, f.awaitExit(second), f.runnerLogs());
      assertEquals(TaskState.SUCCESS, s.getStatuses(s.getStatusesCount() - 1).getState());
      for (String p : List.of("rot", "tee")) {
        assertEquals(List.of(ProcessState.SUCCESS), s.getProcessesMap().get(p).getRunsList()
            .stream().map(ProcessStatus::getState).toList(), p + ": one run, never restarted\n"
            + Files.readString(f.paths.processCheckpoint(f.taskId, p)) + runnerLog(f, 1));
      }
      // Complete when the runner returns: every line once, in order, no file over log_size.
      assertNumbered(lines(rot, "stdout"), "rot-", "rot-end");
      assertNumbered(lines(tee, "stdout"), "tee-", "tee-end");
      assertNumbered(lines(tee, "stderr"), "tee-err-", null);
      assertTrue(Files.readString(dir.resolve("runner-0.log")).contains("\ntee-end\n"),
          "the console copy still reaches the stdout of the runner that launched the run");
      assertEquals(List.of(), f.liveLogPumps(), "pumps drained before the runner exited");
      f.assertNoProcessLeft();
    }
  }

  /** The log of runner {@code i} (started ith), for failure messages. */
  private static String runnerLog(TaskFixture f, int i) throws IOException {
    Path log = f.dir.resolve("runner-" + i + ".log");
    return Files.exists(log) ? "--- runner " + i + " ---\n" + Files.readString(log) : "";
  }

  /** How often stdout has rotated so far (the highest backup: none are dropped here). */
  private static int rotations(Path logDir) throws IOException {
    int max = 0;
    try (var files = Files.list(logDir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String name = p.getFileName().toString();
        if (name.matches("stdout\\.\\d+")) {
          max = Math.max(max, Integer.parseInt(name.substring("stdout.".length())));
        }
      }
    }
    return max;
  }

  /** The lines of a rotated log, oldest file first; fails if a file exceeds log_size. */
  private static List<String> lines(Path logDir, String base) throws IOException {
    List<Path> files = new ArrayList<>();
    for (int i = 1; Files.exists(logDir.resolve(base + "." + i)); i++) {
      files.add(0, logDir.resolve(base + "." + i));
    }
    files.add(logDir.resolve(base));
    StringBuilder all = new StringBuilder();
    for (Path file : files) {
      String content = Files.readString(file);
      assertTrue(content.length() <= LOG_SIZE, file + " holds " + content.length() + " bytes");
      all.append(content);
    }
    return all.length() == 0 ? List.of() : List.of(all.toString().split("\n", -1));
  }

  /** PREFIX0, PREFIX1, ... then END (if not null), then the empty tail of the last newline. */
  private static void assertNumbered(List<String> lines, String prefix, String end) {
    int numbered = lines.size() - 1 - (end == null ? 0 : 1);
    assertTrue(numbered > 0, "no output: " + lines);
    for (int i = 0; i < numbered; i++) {
      assertEquals(prefix + i, lines.get(i), "line " + i);
    }
    if (end != null) {
      assertEquals(end, lines.get(numbered));
    }
    assertEquals("", lines.get(lines.size() - 1), "ends with a newline");
  }

  /** Files give no events we can wait on here: re-check until the deadline. */
  private static void awaitTrue(String what, IoCondition condition) throws Exception {
    long deadline = System.nanoTime() + TaskFixture.DEADLINE.toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        fail("timed out waiting for " + what);
      }
      LockSupport.parkNanos(5_000_000L);
    }
  }

  private interface IoCondition {
    boolean holds() throws IOException;
  }
}
