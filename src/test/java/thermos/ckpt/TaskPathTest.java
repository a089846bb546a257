package thermos.ckpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import thermos.ckpt.TaskPath.TaskFileState;

/** The on-disk layout (DESIGN.md §2) and the validation of ids and names, on jimfs. */
class TaskPathTest {
  private final FileSystem fs = Jimfs.newFileSystem(Configuration.unix());
  private final Path root = fs.getPath("/var/run/thermos");
  private final TaskPath paths = new TaskPath(root);

  @AfterEach
  void close() throws IOException {
    fs.close();
  }

  @Test
  void theLayoutIsThermos() {
    assertEquals(fs.getPath("/var/run/thermos/checkpoints"), paths.checkpointsDir());
    assertEquals(fs.getPath("/var/run/thermos/checkpoints/t1"), paths.checkpointDir("t1"));
    assertEquals(fs.getPath("/var/run/thermos/checkpoints/t1/runner"),
        paths.runnerCheckpoint("t1"));
    assertEquals(fs.getPath("/var/run/thermos/checkpoints/t1/coordinator.web"),
        paths.processCheckpoint("t1", "web"));
    assertEquals(fs.getPath("/var/run/thermos/checkpoints/t1/kill"), paths.killRequest("t1"));
    assertEquals(fs.getPath("/var/run/thermos/tasks/active"),
        paths.tasksDir(TaskFileState.ACTIVE));
    assertEquals(fs.getPath("/var/run/thermos/tasks/active/t1"), paths.activeTaskFile("t1"));
    assertEquals(fs.getPath("/var/run/thermos/tasks/finished/t1"),
        paths.finishedTaskFile("t1"));
    assertEquals(paths.finishedTaskFile("t1"), paths.taskFile(TaskFileState.FINISHED, "t1"));
    assertEquals(root, paths.root());
    Path sandbox = fs.getPath("/sandbox");
    assertEquals(fs.getPath("/sandbox/.logs"), TaskPath.defaultLogDir(sandbox));
    assertEquals(fs.getPath("/sandbox/.logs/web/3"),
        TaskPath.processLogDir(TaskPath.defaultLogDir(sandbox), "web", 3));
    assertEquals(fs.getPath("/var/run/thermos/checkpoints/t1/runner.lock"),
        CheckpointWriter.lockFileOf(paths.runnerCheckpoint("t1")));
  }

  @Test
  void theDefaultRootIsThermosRootElseDotThermosInHome() {
    assertEquals(fs.getPath("/srv/r"),
        TaskPath.defaultRoot(Map.of("THERMOS_ROOT", "/srv/r"), "/home/u", fs));
    assertEquals(fs.getPath("/home/u/.thermos"), TaskPath.defaultRoot(Map.of(), "/home/u", fs));
    assertEquals(fs.getPath("/home/u/.thermos"),
        TaskPath.defaultRoot(Map.of("THERMOS_ROOT", " "), "/home/u", fs));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "..", ".hidden", "../etc", "a/b", "/abs", "a/", "x\0y"})
  void badIdsAndNamesAreRejectedEverywhere(String bad) {
    assertFalse(TaskPath.isValidComponent(bad));
    List<Consumer<String>> uses = List.of(
        TaskPath::validTaskId, TaskPath::validProcessName, paths::checkpointDir,
        paths::runnerCheckpoint, paths::activeTaskFile, paths::finishedTaskFile,
        paths::killRequest, id -> paths.processCheckpoint(id, "web"),
        name -> paths.processCheckpoint("t1", name),
        name -> TaskPath.processLogDir(root, name, 0));
    for (Consumer<String> use : uses) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> use.accept(bad));
      assertTrue(e.getMessage().startsWith("invalid "), e.getMessage());
    }
  }

  @Test
  void rejectionsSayWhy() {
    assertTrue(message("").contains("must not be empty"));
    assertTrue(message("..").contains("must not start with '.'"));
    assertTrue(message("a/b").contains("must not contain '/'"));
    assertTrue(message("a\0").contains("NUL"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> TaskPath.validTaskId(null))
        .getMessage().contains("(null)"));
    assertFalse(TaskPath.isValidComponent(null));
  }

  private static String message(String id) {
    return assertThrows(IllegalArgumentException.class, () -> TaskPath.validTaskId(id))
        .getMessage();
  }

  @ParameterizedTest
  @ValueSource(strings = {"t", "hello_world-1700000000-abc", "a.b", "x..y", "-dash", "a b",
      "1700000000000-www-data-hello-0-5f2d"})
  void ordinaryIdsAreAccepted(String good) {
    assertEquals(good, TaskPath.validTaskId(good));
    assertEquals(paths.checkpointsDir().resolve(good), paths.checkpointDir(good));
    assertEquals(paths.checkpointsDir(), paths.checkpointDir(good).getParent());
  }

  @Test
  void negativeRunNumbersAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> TaskPath.processLogDir(root, "p", -1));
  }
}
