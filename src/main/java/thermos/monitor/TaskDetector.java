package thermos.monitor;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import thermos.ckpt.TaskPath;
import thermos.ckpt.TaskPath.TaskFileState;

/**
 * Finds tasks and their files under a checkpoint root, from paths alone (Thermos'
 * {@code TaskDetector}). Missing directories mean "nothing there", not errors; names that cannot
 * be task ids or process names are skipped.
 */
public final class TaskDetector {
  /** A task id and where its sentinel is. */
  public record TaskEntry(TaskFileState state, String taskId) {}

  /** One run of one process, as found in a log directory. */
  public record ProcessRun(String process, int run) {}

  private final TaskPath paths;

  public TaskDetector(TaskPath paths) {
    this.paths = paths;
  }

  public TaskDetector(Path root) {
    this(new TaskPath(root));
  }

  public TaskPath paths() {
    return paths;
  }

  /** Every task under the root, active ones first, each group sorted by id. */
  public List<TaskEntry> taskIds() throws IOException {
    List<TaskEntry> all = new ArrayList<>(taskIds(TaskFileState.ACTIVE));
    all.addAll(taskIds(TaskFileState.FINISHED));
    return all;
  }

  /** Tasks whose sentinel is in {@code state}, sorted by id. */
  public List<TaskEntry> taskIds(TaskFileState state) throws IOException {
    List<TaskEntry> found = new ArrayList<>();
    for (Path p : list(paths.tasksDir(state))) {
      String id = p.getFileName().toString();
      if (TaskPath.isValidComponent(id)) {
        found.add(new TaskEntry(state, id));
      }
    }
    found.sort(Comparator.comparing(TaskEntry::taskId));
    return found;
  }

  /** The runner checkpoint of {@code taskId} (which may not exist). */
  public Path checkpoint(String taskId) {
    return paths.runnerCheckpoint(taskId);
  }

  /** Per-process (coordinator) checkpoints of {@code taskId}, sorted. */
  public List<Path> processCheckpoints(String taskId) throws IOException {
    List<Path> found = new ArrayList<>();
    for (Path p : list(paths.checkpointDir(taskId))) {
      String name = p.getFileName().toString();
      if (name.startsWith(TaskPath.COORDINATOR_PREFIX)
          && name.length() > TaskPath.COORDINATOR_PREFIX.length()) {
        found.add(p);
      }
    }
    found.sort(Comparator.naturalOrder());
    return found;
  }

  /** {@code (process, run)} for every {@code LOG_DIR/PROCESS/RUN} directory, sorted. */
  public List<ProcessRun> processRuns(Path logDir) throws IOException {
    List<ProcessRun> runs = new ArrayList<>();
    for (Path processDir : list(logDir)) {
      String process = processDir.getFileName().toString();
      if (!TaskPath.isValidComponent(process) || !Files.isDirectory(processDir)) {
        continue;
      }
      for (Path runDir : list(processDir)) {
        Integer run = parseRun(runDir.getFileName().toString());
        if (run != null && Files.isDirectory(runDir)) {
          runs.add(new ProcessRun(process, run));
        }
      }
    }
    runs.sort(Comparator.comparing(ProcessRun::process).thenComparingInt(ProcessRun::run));
    return runs;
  }

  /** The existing {@code stdout}/{@code stderr} files of every run under {@code logDir}. */
  public List<Path> processLogs(Path logDir) throws IOException {
    List<Path> logs = new ArrayList<>();
    for (ProcessRun run : processRuns(logDir)) {
      Path dir = TaskPath.processLogDir(logDir, run.process(), run.run());
      for (String name : List.of("stdout", "stderr")) {
        Path file = dir.resolve(name);
        if (Files.isRegularFile(file)) {
          logs.add(file);
        }
      }
    }
    return logs;
  }

  private static Integer parseRun(String name) {
    if (name.isEmpty() || name.length() > 9) {
      return null;
    }
    for (int i = 0; i < name.length(); i++) {
      if (!Character.isDigit(name.charAt(i))) {
        return null;
      }
    }
    return Integer.parseInt(name);
  }

  private static List<Path> list(Path dir) throws IOException {
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path p : stream) {
        entries.add(p);
      }
    } catch (NoSuchFileException | NotDirectoryException e) {
      return List.of();
    }
    return entries;
  }
}
