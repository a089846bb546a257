package thermos.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example executor's command line: bad input is one line on stderr and exit 2. */
class ExampleExecutorTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) throws Exception {
    return new ExampleExecutor(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private void assertBadArgs(String expected, String... args) throws Exception {
    assertEquals(2, run(args), err());
    String e = err();
    assertEquals(1, e.strip().lines().count(), "one line: " + e);
    assertTrue(e.startsWith("ExampleExecutor: ") && e.contains(expected), e);
    assertFalse(e.contains("Exception") || e.contains("\tat "), "no stack trace: " + e);
    assertEquals("", out.toString(StandardCharsets.UTF_8), "nothing started");
  }

  private String task() throws Exception {
    return Files.writeString(dir.resolve("t.json"), LiveTasks.SLEEP).toString();
  }

  @Test
  void aNonNumericWaitIsABadCommandLine() throws Exception {
    assertBadArgs("--preemption-wait", "--task-json", task(), "--preemption-wait", "abc");
    assertTrue(err().contains("'abc' is not a number of seconds"), err());
  }

  @Test
  void aNegativeWaitIsABadCommandLine() throws Exception {
    assertBadArgs("'-1' is not a number of seconds >= 0", "--task-json", task(),
        "--stop-timeout", "-1");
  }

  @Test
  void aBadPortIsABadCommandLine() throws Exception {
    assertBadArgs("'http' is not NAME:PORT", "--task-json", task(), "--port", "http");
  }

  @Test
  void aMissingTaskIsABadCommandLine() throws Exception {
    assertBadArgs("--task-json", "--root", dir.toString());
  }

  @Test
  void aBadTaskIdIsABadCommandLine() throws Exception {
    assertBadArgs("../x", "--task-json", task(), "--task-id", "../x", "--root", dir.toString());
  }

  @Test
  void aWaitThatDoesNotFitTheStopIsABadCommandLine() throws Exception {
    assertBadArgs("must be less than the stop timeout", "--task-json", task(),
        "--preemption-wait", "60", "--stop-timeout", "30", "--root", dir.toString());
  }

  @Test
  void helpIsUsage() throws Exception {
    assertEquals(0, run("--help"));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("--preemption-wait=SECS"));
  }
}
