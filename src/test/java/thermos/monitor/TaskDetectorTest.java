package thermos.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import thermos.ckpt.TaskPath;
import thermos.ckpt.TaskPath.TaskFileState;
import thermos.monitor.TaskDetector.ProcessRun;
import thermos.monitor.TaskDetector.TaskEntry;

/** TaskDetector finds tasks, checkpoints, runs and logs from paths alone (on jimfs). */
class TaskDetectorTest {
  private final FileSystem fs = Jimfs.newFileSystem(Configuration.unix());
  private final Path root = fs.getPath("/thermos");
  private final TaskDetector detector = new TaskDetector(root);

  @AfterEach
  void close() throws IOException {
    fs.close();
  }

  private Path touch(String path) throws IOException {
    Path p = fs.getPath(path);
    Files.createDirectories(p.getParent());
    return Files.write(p, new byte[] {'x'});
  }

  private void mkdir(String path) throws IOException {
    Files.createDirectories(fs.getPath(path));
  }

  @Test
  void aMissingRootHasNothing() throws IOException {
    assertEquals(List.of(), detector.taskIds());
    assertEquals(List.of(), detector.processCheckpoints("t"));
    assertEquals(List.of(), detector.processRuns(fs.getPath("/nope/.logs")));
    assertEquals(List.of(), detector.processLogs(fs.getPath("/nope/.logs")));
  }

  @Test
  void tasksAreListedActiveFirstEachGroupSortedSkippingInvalidNames() throws IOException {
    touch("/thermos/tasks/active/c");
    touch("/thermos/tasks/active/a");
    touch("/thermos/tasks/active/.hidden");
    touch("/thermos/tasks/active/b");
    touch("/thermos/tasks/finished/z");
    touch("/thermos/tasks/finished/a2");
    touch("/thermos/tasks/other/q"); // not a state the layout knows
    assertEquals(List.of(
        new TaskEntry(TaskFileState.ACTIVE, "a"), new TaskEntry(TaskFileState.ACTIVE, "b"),
        new TaskEntry(TaskFileState.ACTIVE, "c"), new TaskEntry(TaskFileState.FINISHED, "a2"),
        new TaskEntry(TaskFileState.FINISHED, "z")), detector.taskIds());
    assertEquals(List.of(new TaskEntry(TaskFileState.FINISHED, "a2"),
        new TaskEntry(TaskFileState.FINISHED, "z")), detector.taskIds(TaskFileState.FINISHED));
  }

  @Test
  void aTasksDirectoryThatIsAFileMeansNoTasks() throws IOException {
    touch("/thermos/tasks/active");
    assertEquals(List.of(), detector.taskIds(TaskFileState.ACTIVE));
  }

  @Test
  void checkpointsAreFoundByPath() throws IOException {
    assertEquals(fs.getPath("/thermos/checkpoints/t/runner"), detector.checkpoint("t"));
    touch("/thermos/checkpoints/t/runner");
    touch("/thermos/checkpoints/t/runner.lock");
    touch("/thermos/checkpoints/t/coordinator.web");
    touch("/thermos/checkpoints/t/coordinator.");
    touch("/thermos/checkpoints/t/coordinator.db");
    touch("/thermos/checkpoints/t/kill");
    assertEquals(List.of(fs.getPath("/thermos/checkpoints/t/coordinator.db"),
        fs.getPath("/thermos/checkpoints/t/coordinator.web")), detector.processCheckpoints("t"));
    assertThrows(IllegalArgumentException.class, () -> detector.processCheckpoints("../t"));
    assertThrows(IllegalArgumentException.class, () -> detector.checkpoint("a/b"));
    assertEquals(root, detector.paths().root());
  }

  @Test
  void processRunsAreNumericDirectoriesUnderValidProcessNames() throws IOException {
    Path logDir = fs.getPath("/sandbox/.logs");
    for (String d : List.of("web/0", "web/1", "web/10", "web/2x", "db/0", ".hidden/0",
        "web/0123456789")) {
      mkdir("/sandbox/.logs/" + d);
    }
    touch("/sandbox/.logs/web/3"); // a file, not a run directory
    touch("/sandbox/.logs/notaprocess"); // a file, not a process directory
    assertEquals(List.of(new ProcessRun("db", 0), new ProcessRun("web", 0),
        new ProcessRun("web", 1), new ProcessRun("web", 10)), detector.processRuns(logDir));
  }

  @Test
  void processLogsAreTheExistingStdoutAndStderrFiles() throws IOException {
    Path logDir = fs.getPath("/sandbox/.logs");
    touch("/sandbox/.logs/web/0/stdout");
    touch("/sandbox/.logs/web/0/stderr");
    touch("/sandbox/.logs/web/0/stdout.1");
    touch("/sandbox/.logs/web/1/stderr");
    mkdir("/sandbox/.logs/db/0");
    assertEquals(List.of(fs.getPath("/sandbox/.logs/web/0/stdout"),
        fs.getPath("/sandbox/.logs/web/0/stderr"), fs.getPath("/sandbox/.logs/web/1/stderr")),
        detector.processLogs(logDir));
  }
}
