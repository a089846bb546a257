package thermos.ckpt.legacy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.ckpt.CheckpointReader;
import thermos.ckpt.CheckpointRecord;
import thermos.ckpt.CorruptCheckpointException;
import thermos.ckpt.LogReplay;
import thermos.ckpt.RecordSource;
import thermos.ckpt.TaskPath;
import thermos.ckpt.TaskPath.TaskFileState;
import thermos.ckpt.TornTail;
import thermos.ckpt.CheckpointFiles;
import thermos.proto.RunnerCkpt;

class LegacyImporterTest {
  /** The fixture tasks with a ROOT/logs/ID directory (the sleep60 ones have none). */
  private static final List<String> WITH_LOGS = List.of("failure", "failure_limit",
      "hello_world", "ordering", "ports");

  @TempDir Path to;
  @TempDir Path scratch;

  private static List<RunnerCkpt> records(Path log) throws IOException {
    try (RecordSource s = CheckpointFiles.open(log, 0)) {
      List<RunnerCkpt> out = new java.util.ArrayList<>();
      for (CheckpointRecord r = s.next(); r != null; r = s.next()) {
        out.add(r.ckpt());
      }
      return out;
    }
  }

  /** Every file under {@code root} with its bytes and mtime. */
  private static Map<Path, String> snapshot(Path root) throws IOException {
    Map<Path, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(p), Arrays.toString(Files.readAllBytes(p)) + "@"
            + Files.getLastModifiedTime(p));
      }
    }
    return files;
  }

  private static void assertNoHiddenFiles(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      assertEquals(List.of(), walk.filter(p -> p.getFileName().toString().startsWith("."))
          .toList());
    }
  }

  @Test
  void everyFixtureTaskImportsRecordForRecord() throws IOException {
    LegacyImporter importer = new LegacyImporter(Fixtures.root(), to, false);
    assertEquals(Fixtures.TASKS, importer.taskIds());
    TaskPath ours = new TaskPath(to);
    for (String task : Fixtures.TASKS) {
      LegacyImporter.Outcome o = importer.importTask(task);
      assertEquals(LegacyImporter.Status.IMPORTED, o.status(), task);
      assertEquals(LegacyFormat.NAME, o.sourceFormat());
      assertNull(o.tornTail());
      Path imported = ours.runnerCheckpoint(task);
      try (RecordSource s = CheckpointFiles.open(imported, 0)) {
        assertEquals(CheckpointReader.FORMAT, s.format());
      }
      List<RunnerCkpt> expected = records(Fixtures.runner(task));
      assertEquals(expected, records(imported), task);
      assertEquals(expected.size(), o.records());
      assertEquals(LogReplay.replay(Fixtures.runner(task), false).state().toProto(),
          LogReplay.replay(imported, false).state().toProto(), task);
      assertEquals(Files.getLastModifiedTime(Fixtures.runner(task)),
          Files.getLastModifiedTime(imported));
      TaskFileState state = task.equals("sleep60-lost") ? TaskFileState.ACTIVE
          : TaskFileState.FINISHED;
      assertEquals(state, o.sentinel());
      assertArrayEquals(Files.readAllBytes(new TaskPath(Fixtures.root()).taskFile(state, task)),
          Files.readAllBytes(ours.taskFile(state, task)));
      assertFalse(Files.exists(ours.checkpointDir(task).resolve("coordinator.x")));
    }
    assertNoHiddenFiles(to);
    // Logs stay where they are; the 2012 headers name no log_dir, so ROOT/logs/ID links to them.
    try (Stream<Path> links = Files.list(to.resolve("logs"))) {
      assertEquals(WITH_LOGS, links.map(p -> {
        assertTrue(Files.isSymbolicLink(p), p::toString);
        return p.getFileName().toString();
      }).sorted().toList(), "a link for each task that has logs");
    }
    for (String task : WITH_LOGS) {
      assertEquals(Fixtures.root().resolve("logs").resolve(task).toAbsolutePath(),
          Files.readSymbolicLink(to.resolve("logs").resolve(task)));
    }
  }

  @Test
  void logsLeftInPlaceAreLinkedOnceAndADifferentLinkOrDirectoryIsAConflict() throws IOException {
    Path link = to.resolve("logs/failure");
    LegacyImporter importer = new LegacyImporter(Fixtures.root(), to, false);
    LegacyImporter.Outcome o = importer.importTask("failure");
    assertEquals(link, o.logLink());
    assertEquals(0, o.logFiles());
    assertEquals(Fixtures.root().resolve("logs/failure"), o.logSource());
    assertTrue(Files.isRegularFile(link.resolve("p3/2/stdout")), "the logs, through the link");

    LegacyImporter.Outcome again = importer.importTask("failure");
    assertEquals(LegacyImporter.Status.ALREADY_IMPORTED, again.status(), "the same link");
    assertNull(again.logLink());

    // A link elsewhere is someone else's: refused, and nothing else is touched.
    Files.delete(link);
    Files.createSymbolicLink(link, scratch);
    Files.delete(new TaskPath(to).finishedTaskFile("failure"));
    ImportConflictException e = assertThrows(ImportConflictException.class,
        () -> importer.importTask("failure"));
    assertTrue(e.getMessage().startsWith("task 'failure': " + link + " already links to "
        + scratch), e.getMessage());
    assertFalse(Files.exists(new TaskPath(to).finishedTaskFile("failure")), "not published");
    assertEquals(scratch, Files.readSymbolicLink(link));

    // A directory with other contents too.
    Files.delete(link);
    Files.createDirectories(link.resolve("p1/0"));
    Files.writeString(link.resolve("p1/0/stdout"), "someone else's");
    assertThrows(ImportConflictException.class, () -> importer.importTask("failure"));
  }

  @Test
  void logsCopiedEarlierAreNotLinkedOver() throws IOException {
    new LegacyImporter(Fixtures.root(), to, true).importTask("failure");
    Map<Path, String> before = snapshot(to);
    LegacyImporter.Outcome o = new LegacyImporter(Fixtures.root(), to, false)
        .importTask("failure");
    assertEquals(LegacyImporter.Status.ALREADY_IMPORTED, o.status());
    assertFalse(Files.isSymbolicLink(to.resolve("logs/failure")));
    assertEquals(before, snapshot(to));
  }

  @Test
  void importingTwiceChangesNothing() throws IOException {
    LegacyImporter importer = new LegacyImporter(Fixtures.root(), to, true);
    for (String task : importer.taskIds()) {
      importer.importTask(task);
    }
    Map<Path, String> before = snapshot(to);
    for (String task : importer.taskIds()) {
      LegacyImporter.Outcome again = importer.importTask(task);
      assertEquals(LegacyImporter.Status.ALREADY_IMPORTED, again.status(), task);
      assertEquals(0, again.logFiles());
    }
    assertEquals(before, snapshot(to));
  }

  @Test
  void logsAreCopiedOnlyWhenAsked() throws IOException {
    LegacyImporter.Outcome o = new LegacyImporter(Fixtures.root(), to, true).importTask("failure");
    assertEquals(6, o.logFiles());
    assertEquals(Fixtures.root().resolve("logs/failure"), o.logSource());
    Path copy = to.resolve("logs/failure/p3/2/stdout");
    assertArrayEquals(Files.readAllBytes(Fixtures.root().resolve("logs/failure/p3/2/stdout")),
        Files.readAllBytes(copy));
    // A log that differs from the source is a conflict, and nothing else is touched.
    Files.writeString(copy, "not the same");
    Map<Path, String> before = snapshot(to);
    assertThrows(ImportConflictException.class,
        () -> new LegacyImporter(Fixtures.root(), to, true).importTask("failure"));
    assertEquals(before, snapshot(to));
  }

  @Test
  void aDifferentTaskWithTheSameIdIsNeverOverwritten() throws IOException {
    TaskPath ours = new TaskPath(to);
    Files.createDirectories(ours.checkpointDir("hello_world"));
    Files.copy(Fixtures.runner("hello_world"), ours.runnerCheckpoint("hello_world"));
    Map<Path, String> before = snapshot(to);
    LegacyImporter importer = new LegacyImporter(Fixtures.root(), to, false);
    ImportConflictException e = assertThrows(ImportConflictException.class,
        () -> importer.importTask("hello_world"));
    assertTrue(e.getMessage().contains("already holds a different task with this id"));
    assertFalse(e.getMessage().contains("\n"));
    assertEquals(before, snapshot(to));
    assertNoHiddenFiles(to);
  }

  @Test
  void aSentinelElsewhereOrDifferentIsAConflict() throws IOException {
    TaskPath ours = new TaskPath(to);
    Files.createDirectories(ours.tasksDir(TaskFileState.ACTIVE));
    Files.writeString(ours.activeTaskFile("ports"), "{}");
    LegacyImporter importer = new LegacyImporter(Fixtures.root(), to, false);
    assertTrue(assertThrows(ImportConflictException.class, () -> importer.importTask("ports"))
        .getMessage().contains("is active in"));
    assertFalse(Files.exists(ours.runnerCheckpoint("ports")), "nothing published");
    assertFalse(Files.exists(ours.checkpointDir("ports")), "the new empty directory is removed");

    Files.createDirectories(ours.tasksDir(TaskFileState.FINISHED));
    Files.writeString(ours.finishedTaskFile("ordering"), "{}");
    assertThrows(ImportConflictException.class, () -> importer.importTask("ordering"));
    assertFalse(Files.exists(ours.runnerCheckpoint("ordering")));
  }

  /** A source root built in a temporary directory from fixture bytes, damaged on purpose. */
  private Path sourceWith(String task, byte[] runner, TaskFileState... sentinels)
      throws IOException {
    TaskPath src = new TaskPath(scratch.resolve("src"));
    Files.createDirectories(src.checkpointDir(task));
    Files.write(src.runnerCheckpoint(task), runner);
    for (TaskFileState s : sentinels) {
      Files.createDirectories(src.tasksDir(s));
      Files.writeString(src.taskFile(s, task), "{\"name\": \"" + task + "\"}");
    }
    return src.root();
  }

  @Test
  void aCorruptSourceLeavesNoTrace() throws IOException {
    byte[] bytes = Files.readAllBytes(Fixtures.runner("ordering"));
    bytes[201] ^= 0x7f; // the type byte of the union member of the record at 197
    Path src = sourceWith("ordering", bytes, TaskFileState.FINISHED);
    CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class,
        () -> new LegacyImporter(src, to, false).importTask("ordering"));
    assertEquals(197, e.offset());
    try (Stream<Path> walk = Files.walk(to)) {
      assertEquals(List.of(to.resolve("checkpoints")), walk.skip(1).toList());
    }
  }

  @Test
  void aTornTailIsLeftOutAndReported() throws IOException {
    byte[] bytes = Files.readAllBytes(Fixtures.runner("hello_world"));
    Path src = sourceWith("hello_world", Arrays.copyOf(bytes, bytes.length - 3),
        TaskFileState.ACTIVE);
    LegacyImporter.Outcome o = new LegacyImporter(src, to, false).importTask("hello_world");
    assertEquals(new TornTail(364, 38), o.tornTail());
    assertEquals(6, o.records());
    assertEquals(TaskFileState.ACTIVE, o.sentinel());
  }

  @Test
  void bothSentinelsInTheSourceIsAConflict() throws IOException {
    Path src = sourceWith("ports", Files.readAllBytes(Fixtures.runner("ports")),
        TaskFileState.ACTIVE, TaskFileState.FINISHED);
    assertTrue(assertThrows(ImportConflictException.class,
        () -> new LegacyImporter(src, to, false).importTask("ports"))
        .getMessage().contains("both active and finished"));
  }

  @Test
  void aTaskWithoutACheckpointIsNotFound() {
    assertThrows(NoSuchFileException.class,
        () -> new LegacyImporter(Fixtures.root(), to, false).importTask("nope"));
    assertThrows(IllegalArgumentException.class,
        () -> new LegacyImporter(Fixtures.root(), to, false).importTask("../x"));
  }

  /** A log already in our format converts to the same bytes. */
  @Test
  void aLogOfOursImportsAsItIs() throws IOException {
    LegacyImporter first = new LegacyImporter(Fixtures.root(), scratch.resolve("once"), false);
    first.importTask("failure");
    Path ours = new TaskPath(scratch.resolve("once")).runnerCheckpoint("failure");
    LegacyImporter.Outcome o = new LegacyImporter(scratch.resolve("once"), to, false)
        .importTask("failure");
    assertEquals(CheckpointReader.FORMAT, o.sourceFormat());
    assertArrayEquals(Files.readAllBytes(ours),
        Files.readAllBytes(new TaskPath(to).runnerCheckpoint("failure")));
  }
}
