package thermos.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.ckpt.Ckpts;
import thermos.ckpt.TaskPath;
import thermos.ckpt.golden.Scenarios;

/** Bad input gets one line on stderr naming the file (and offset) and its exit code. */
class CliErrorsTest {
  @TempDir Path tmp;

  /** The single error line, which must start with the command's name. */
  private static String errorLine(Cli.Result r, String command) {
    String[] lines = r.err().strip().split("\n");
    assertEquals(1, lines.length, r::toString);
    assertTrue(lines[0].startsWith("thermos " + command + ": error: "), lines[0]);
    assertEquals("", r.out(), "nothing half-printed on stdout");
    return lines[0];
  }

  @Test
  void aMissingTaskIsNotFound() throws IOException {
    Path root = Cli.goldenRoot(tmp);
    Cli.Result r = Cli.run("read", "--root", root.toString(), "no_such_task");
    assertEquals(ExitCodes.NOT_FOUND, r.code(), r::toString);
    String line = errorLine(r, "read");
    assertTrue(line.contains("no task 'no_such_task' under " + root), line);
  }

  @Test
  void aMissingFileIsNotFound() {
    Path missing = tmp.resolve("nowhere/runner");
    Cli.Result r = Cli.run("read", missing.toString());
    assertEquals(ExitCodes.NOT_FOUND, r.code(), r::toString);
    assertTrue(errorLine(r, "read").contains(missing.toString()), r.err());
  }

  /** The single line on stderr (stdout may hold the valid prefix's state). */
  private static String onlyErrorLine(Cli.Result r, String command) {
    String[] lines = r.err().strip().split("\n");
    assertEquals(1, lines.length, r::toString);
    assertTrue(lines[0].startsWith("thermos " + command + ": error: "), lines[0]);
    return lines[0];
  }

  @Test
  void anInvalidTaskIdIsNotFoundNotAPathEscapeAndTheMessageSaysWhy() throws IOException {
    Path root = Cli.goldenRoot(tmp.resolve("root"));
    Cli.Result r = Cli.run("read", "--root", root.toString(), "../root/checkpoints/kill");
    assertEquals(ExitCodes.NOT_FOUND, r.code(), r::toString);
    assertEquals("thermos read: error: no checkpoint file '../root/checkpoints/kill', and it is"
        + " not a task id either: invalid task id '../root/checkpoints/kill': must not start"
        + " with '.'", errorLine(r, "read"));
    Cli.Result slash = Cli.run("read", "--root", root.toString(), "a/b");
    assertEquals(ExitCodes.NOT_FOUND, slash.code(), slash::toString);
    assertTrue(errorLine(slash, "read").endsWith("invalid task id 'a/b': must not contain '/'"),
        slash.err());
  }

  @Test
  void tailAndKillRejectAnInvalidTaskIdAsABadCommandLine() throws IOException {
    Path root = Cli.goldenRoot(tmp.resolve("root"));
    Cli.Result tail = Cli.run("tail", "--root", root.toString(), "../kill");
    assertEquals(ExitCodes.USAGE, tail.code(), tail::toString);
    assertEquals("thermos tail: error: invalid task id '../kill': must not start with '.'",
        errorLine(tail, "tail"));
    // Checked before any task is touched: the valid id before it is not killed either.
    Cli.Result kill = Cli.run("kill", "--root", root.toString(), "daemon", "x/y");
    assertEquals(ExitCodes.USAGE, kill.code(), kill::toString);
    assertEquals("thermos kill: error: invalid task id 'x/y': must not contain '/'",
        errorLine(kill, "kill"));
    Cli.Result missing = Cli.run("kill", "--root", root.toString(), "daemon", "nope");
    assertEquals(ExitCodes.NOT_FOUND, missing.code(), missing::toString);
    assertEquals("thermos kill: error: no task 'nope' under " + root, errorLine(missing, "kill"));
  }

  @Test
  void aZeroLengthRecordExits4NamingFileAndOffsetInEveryMode() throws IOException {
    var records = Scenarios.named("success").records();
    byte[] prefix = Ckpts.frames(records.subList(0, 3));
    byte[] bytes = java.util.Arrays.copyOf(prefix, prefix.length + 8 + 20);
    System.arraycopy(Ckpts.frame(records.get(3)), 0, bytes, prefix.length + 8, 20);
    Path log = Files.write(tmp.resolve("runner"), bytes);
    for (String mode : new String[] {"--json", "--simple", "-v"}) {
      Cli.Result r = Cli.run("read", mode, log.toString());
      assertEquals(ExitCodes.CORRUPT, r.code(), r::toString);
      String line = onlyErrorLine(r, "read");
      assertTrue(line.contains("corrupt checkpoint " + log + " at byte offset " + prefix.length
          + ": zero-length record"), line);
    }
  }

  @Test
  void anOversizedLengthExits4NamingFileAndOffsetInEveryMode() throws IOException {
    byte[] prefix = Ckpts.frames(Scenarios.named("kill").records().subList(0, 2));
    byte[] bytes = java.util.Arrays.copyOf(prefix, prefix.length + 64);
    java.nio.ByteBuffer.wrap(bytes).putInt(prefix.length, 0x7fffffff);
    Path log = Files.write(tmp.resolve("runner"), bytes);
    for (String mode : new String[] {"--json", "--simple", "-v"}) {
      Cli.Result r = Cli.run("read", mode, log.toString());
      assertEquals(ExitCodes.CORRUPT, r.code(), r::toString);
      String line = onlyErrorLine(r, "read");
      assertTrue(line.contains("corrupt checkpoint " + log + " at byte offset " + prefix.length
          + ": record length 2147483647 exceeds the 1048576-byte limit"), line);
    }
  }

  @Test
  void aCheckpointThatIsADirectoryCannotBeReadEvenByRoot() throws IOException {
    Path root = Cli.goldenRoot(tmp.resolve("root"));
    TaskPath paths = new TaskPath(root);
    Files.delete(paths.runnerCheckpoint("kill"));
    Files.createDirectory(paths.runnerCheckpoint("kill"));
    Cli.Result r = Cli.run("read", "--root", root.toString(), "kill");
    assertEquals(ExitCodes.IO_ERROR, r.code(), r::toString);
    assertEquals("thermos read: error: cannot read " + paths.runnerCheckpoint("kill")
        + ": a directory, not a checkpoint file", errorLine(r, "read"));
  }

  @Test
  void statusReportsAnUnreadableTaskPerTaskAndGoesOn() throws IOException {
    Path root = Cli.goldenRoot(tmp.resolve("root"));
    TaskPath paths = new TaskPath(root);
    Files.delete(paths.runnerCheckpoint("kill"));
    Files.createDirectory(paths.runnerCheckpoint("kill"));
    Files.delete(paths.runnerCheckpoint("lose"));
    Files.delete(paths.checkpointDir("lose"));
    Files.writeString(paths.checkpointDir("lose"), "a file where the task's directory should be");
    Cli.Result r = Cli.run("status", "--root", root.toString(), "--json");
    assertEquals(0, r.code(), r::toString);
    assertEquals("", r.err());
    var tasks = new java.util.TreeMap<String, com.google.gson.JsonObject>();
    for (var e : com.google.gson.JsonParser.parseString(r.out()).getAsJsonArray()) {
      tasks.put(e.getAsJsonObject().get("task_id").getAsString(), e.getAsJsonObject());
    }
    assertEquals(Scenarios.all().size(), tasks.size(), "every task is listed");
    for (String broken : new String[] {"kill", "lose"}) {
      var t = tasks.get(broken);
      assertEquals("UNKNOWN", t.get("state").getAsString(), t::toString);
      assertTrue(t.get("problem").getAsString().startsWith("cannot read "
          + paths.runnerCheckpoint(broken)), t::toString);
    }
    assertEquals("cannot read " + paths.runnerCheckpoint("lose") + ": Not a directory",
        tasks.get("lose").get("problem").getAsString(), "one line, the path named once");
    assertEquals("SUCCESS", tasks.get("success").get("state").getAsString());
    Cli.Result human = Cli.run("status", "--root", root.toString(), "kill");
    assertEquals(0, human.code(), human::toString);
    assertTrue(human.out().contains("! cannot read " + paths.runnerCheckpoint("kill")),
        human.out());
  }

  @Test
  void aCorruptLogExits4NamingFileAndOffset() throws IOException {
    byte[] bytes = Files.readAllBytes(Cli.golden("kill"));
    long third = Ckpts.frame(Scenarios.named("kill").records().get(0)).length
        + Ckpts.frame(Scenarios.named("kill").records().get(1)).length;
    bytes[(int) third + 10] ^= 0x01;
    Path log = Files.write(tmp.resolve("runner"), bytes);
    for (String mode : new String[] {"--simple", "-v"}) {
      Cli.Result r = Cli.run("read", mode, log.toString());
      assertEquals(ExitCodes.CORRUPT, r.code(), r::toString);
      String line = r.err().strip();
      assertTrue(line.contains(log.toString()) && line.contains("byte offset " + third), line);
      assertTrue(line.startsWith("thermos read: error: "), line);
    }
    Cli.Result json = Cli.run("read", "--json", log.toString());
    assertEquals(ExitCodes.CORRUPT, json.code(), json::toString);
    assertTrue(json.err().contains("byte offset " + third), json.err());
    assertTrue(json.err().contains("2 record(s) before it"), json.err());
  }

  @Test
  void anInvalidRecordExits4WithItsOffset() throws IOException {
    var records = new java.util.ArrayList<>(Scenarios.named("success").records());
    records.add(Ckpts.header("again"));
    Path log = Files.write(tmp.resolve("runner"), Ckpts.frames(records));
    long offset = Ckpts.frames(records.subList(0, records.size() - 1)).length;
    Cli.Result r = Cli.run("read", log.toString());
    assertEquals(ExitCodes.CORRUPT, r.code(), r::toString);
    assertTrue(r.err().contains("byte offset " + offset), r.err());
    assertTrue(r.err().contains("second RunnerHeader"), r.err());
  }

  @Test
  void anEmptyFileIsAnError() throws IOException {
    Path log = Files.createFile(tmp.resolve("runner"));
    for (String mode : new String[] {"--json", "--simple", "-v"}) {
      Cli.Result r = Cli.run("read", mode, log.toString());
      assertEquals(ExitCodes.CORRUPT, r.code(), r::toString);
      String line = errorLine(r, "read");
      assertTrue(line.contains(log.toString()) && line.contains("empty file"), line);
    }
  }

  @Test
  void aLogWithOnlyAPartialFirstRecordIsAnErrorInEveryMode() throws IOException {
    byte[] first = Ckpts.frame(Scenarios.named("success").records().get(0));
    Path log = Files.write(tmp.resolve("runner"), java.util.Arrays.copyOf(first, 9));
    for (String mode : new String[] {"--json", "--simple", "-v"}) {
      Cli.Result r = Cli.run("read", mode, log.toString());
      assertEquals(ExitCodes.CORRUPT, r.code(), r::toString);
      String line = errorLine(r, "read");
      assertTrue(line.contains("holds no records (only a torn tail of 9 byte(s) at byte offset 0)"),
          line);
    }
  }

  @Test
  void aNonCheckpointFileIsCorrupt() throws IOException {
    Path log = Files.writeString(tmp.resolve("task.json"), "{\"name\": \"hello\", \"x\": 1}\n");
    Cli.Result r = Cli.run("read", log.toString());
    assertEquals(ExitCodes.CORRUPT, r.code(), r::toString);
    assertTrue(r.err().contains("byte offset 0"), r.err());
  }

  @Test
  void aDirectoryIsNotACheckpoint() {
    Cli.Result r = Cli.run("read", tmp.toString());
    assertEquals(ExitCodes.IO_ERROR, r.code(), r::toString);
    assertEquals("thermos read: error: cannot read " + tmp + ": a directory, not a checkpoint file",
        errorLine(r, "read"));
  }

  @Test
  void anUnreadableFileIsAnIoErrorUnlessWeAreRoot() throws IOException {
    Path log = Files.copy(Cli.golden("success"), tmp.resolve("runner"));
    Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("---------"));
    Cli.Result r = Cli.run("read", log.toString());
    if (isRoot()) {
      // root reads anything: the permission check cannot fail here.
      assertEquals(0, r.code(), r::toString);
    } else {
      assertEquals(ExitCodes.IO_ERROR, r.code(), r::toString);
      assertTrue(errorLine(r, "read").contains("permission denied"), r.err());
    }
  }

  @Test
  void aBadRegexIsAUsageError() {
    Cli.Result r = Cli.run("status", "--root", tmp.toString(), "(unclosed");
    assertEquals(ExitCodes.USAGE, r.code(), r::toString);
    assertTrue(errorLine(r, "status").contains("invalid REGEX '(unclosed'"), r.err());
  }

  @Test
  void badCommandLinesAreUsageErrors() {
    assertEquals(ExitCodes.USAGE, Cli.run("read").code());
    assertEquals(ExitCodes.USAGE, Cli.run("read", "--no-such-option", "x").code());
    assertEquals(ExitCodes.USAGE, Cli.run("no-such-command").code());
    assertEquals(ExitCodes.USAGE, Cli.run("status", "--root").code());
  }

  @Test
  void helpIsAvailableForEveryCommand() {
    for (String command : new String[] {"read", "status"}) {
      Cli.Result r = Cli.run(command, "--help");
      assertEquals(0, r.code(), r::toString);
      assertTrue(r.out().contains("Usage: thermos " + command), r.out());
    }
  }

  static boolean isRoot() {
    try {
      Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      return Integer.valueOf(0).equals(uid);
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }
}
