package thermos.ckpt.legacy;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import thermos.ckpt.TaskPath;
import thermos.ckpt.TaskPath.TaskFileState;
import thermos.ckpt.TornTail;

/**
 * Imports tasks of a Thermos checkpoint root into one of ours: the runner checkpoint rewritten
 * in our format (every record, same order, CRC-framed, fsynced), the task JSON sentinel copied
 * byte for byte where it was (active or finished), and the process logs copied or (by default)
 * left where they are, linked from {@code TO/logs/TASK_ID} when the header has no {@code log_dir}.
 *
 * <p>Every file appears whole or not at all (temporary file, fsync, atomic publish), and nothing
 * is published before every check passed, so a failed import leaves no trace. Importing again is
 * a no-op ({@link Status#ALREADY_IMPORTED}); a destination that already holds something different
 * under the task's id is never overwritten ({@link ImportConflictException}). The sentinel is
 * published last: it is what makes the task visible, so an interrupted import is simply run again.
 * Coordinator logs are not imported: their records are already in the runner checkpoint.
 */
public final class LegacyImporter {
  /** Whether an import changed the destination. */
  public enum Status { IMPORTED, ALREADY_IMPORTED }

  /**
   * What importing one task did.
   *
   * @param sentinel where the task's JSON sentinel is, or null if the source has none
   * @param tornTail a partial record at the end of the source, left out, or null
   * @param logFiles log files copied now ({@code --copy-logs})
   * @param logSource where the logs were looked for (to copy or link), or null if neither
   * @param logLink {@code TO/logs/TASK_ID}, if it was made a link to {@code logSource} now
   */
  public record Outcome(String taskId, Status status, String sourceFormat, long records,
      TaskFileState sentinel, TornTail tornTail, int logFiles, Path logSource, Path logLink) {}

  private final TaskPath from;
  private final TaskPath to;
  private final boolean copyLogs;

  public LegacyImporter(Path fromRoot, Path toRoot, boolean copyLogs) {
    this.from = new TaskPath(fromRoot);
    this.to = new TaskPath(toRoot);
    this.copyLogs = copyLogs;
  }

  /** Ids of the tasks under the source root (with a sentinel or a runner checkpoint), sorted. */
  public List<String> taskIds() throws IOException {
    TreeSet<String> ids = new TreeSet<>();
    for (TaskFileState state : TaskFileState.values()) {
      ids.addAll(names(from.tasksDir(state)));
    }
    for (String id : names(from.checkpointsDir())) {
      if (Files.isRegularFile(from.runnerCheckpoint(id))) {
        ids.add(id);
      }
    }
    return new ArrayList<>(ids);
  }

  /**
   * Imports one task.
   *
   * @throws IllegalArgumentException if {@code taskId} cannot be a task id
   * @throws NoSuchFileException if the source has no runner checkpoint for it
   * @throws thermos.ckpt.CorruptCheckpointException if its checkpoint has a corrupt record
   * @throws ImportConflictException if the destination holds something different for it
   */
  public Outcome importTask(String taskId) throws IOException {
    Path source = from.runnerCheckpoint(taskId);
    if (!Files.isRegularFile(source)) {
      throw new NoSuchFileException(source.toString(), null,
          "task '" + taskId + "' has no runner checkpoint");
    }
    TaskFileState sentinel = sentinelState(taskId);
    Path checkpointDir = to.checkpointDir(taskId);
    boolean createdDir = !Files.isDirectory(checkpointDir);
    Files.createDirectories(checkpointDir);
    Path dest = to.runnerCheckpoint(taskId);
    CheckpointConversion converted = null;
    try {
      converted = CheckpointConversion.convert(source, dest);
      // Every check before anything is published.
      boolean newCheckpoint = checkCheckpoint(taskId, converted.temp(), dest);
      boolean newSentinel = sentinel != null && checkSentinel(taskId, sentinel);
      Path logSource = LegacyLayout.logDir(from.root(), taskId, converted.header());
      Path logDest = LegacyLayout.rootLogDir(to.root(), taskId);
      LogCopy logs = copyLogs ? LogCopy.plan(logSource, logDest, taskId) : null;
      // Left in place: a header without log_dir sends readers to ROOT/logs/ID, so link it there
      // (one with log_dir names the logs' place itself).
      boolean underRoot = logSource.equals(LegacyLayout.rootLogDir(from.root(), taskId));
      LogLink link = copyLogs || !underRoot ? null : LogLink.plan(logSource, logDest, taskId);

      if (newCheckpoint) {
        AtomicFiles.publish(converted.temp(), dest);
      } else {
        AtomicFiles.deleteQuietly(converted.temp());
      }
      int logFiles = logs == null ? 0 : logs.copy();
      boolean linked = link != null && link.create();
      if (newSentinel) {
        Path target = to.taskFile(sentinel, taskId);
        Files.createDirectories(target.getParent());
        AtomicFiles.publish(AtomicFiles.copyToTemp(from.taskFile(sentinel, taskId), target),
            target);
      }
      Status status = newCheckpoint || newSentinel || logFiles > 0 || linked
          ? Status.IMPORTED : Status.ALREADY_IMPORTED;
      return new Outcome(taskId, status, converted.sourceFormat(), converted.records(), sentinel,
          converted.tornTail(), logFiles, logs == null && link == null ? null : logSource,
          linked ? logDest : null);
    } catch (IOException | RuntimeException e) {
      if (converted != null) {
        AtomicFiles.deleteQuietly(converted.temp());
      }
      if (createdDir && !Files.exists(dest)) {
        AtomicFiles.deleteQuietly(checkpointDir); // only removed while still empty
      }
      throw e;
    }
  }

  /** Where the source's sentinel is; null if it has none. Both at once is a conflict. */
  private TaskFileState sentinelState(String taskId) throws ImportConflictException {
    boolean active = Files.isRegularFile(from.activeTaskFile(taskId));
    boolean finished = Files.isRegularFile(from.finishedTaskFile(taskId));
    if (active && finished) {
      throw new ImportConflictException("task '" + taskId + "' is both active and finished in "
          + from.root() + " (" + from.activeTaskFile(taskId) + " and "
          + from.finishedTaskFile(taskId) + "); remove the stale one first");
    }
    return active ? TaskFileState.ACTIVE : finished ? TaskFileState.FINISHED : null;
  }

  /** True if the checkpoint must be published; false if the same one is already there. */
  private boolean checkCheckpoint(String taskId, Path converted, Path dest) throws IOException {
    if (!Files.exists(dest)) {
      return true;
    }
    if (Files.isRegularFile(dest) && AtomicFiles.sameBytes(converted, dest)) {
      return false;
    }
    throw new ImportConflictException("task '" + taskId + "': " + to.root()
        + " already holds a different task with this id (" + dest
        + " differs from the conversion of " + from.runnerCheckpoint(taskId) + "); not overwritten");
  }

  /** True if the sentinel must be copied; false if the same one is already there. */
  private boolean checkSentinel(String taskId, TaskFileState state) throws IOException {
    for (TaskFileState other : TaskFileState.values()) {
      Path there = to.taskFile(other, taskId);
      if (other != state && Files.exists(there)) {
        throw new ImportConflictException("task '" + taskId + "' is " + other.dirName() + " in "
            + to.root() + " but " + state.dirName() + " in " + from.root() + " (" + there
            + "); not overwritten");
      }
    }
    Path dest = to.taskFile(state, taskId);
    if (!Files.exists(dest)) {
      return true;
    }
    if (Files.isRegularFile(dest) && AtomicFiles.sameBytes(from.taskFile(state, taskId), dest)) {
      return false;
    }
    throw new ImportConflictException("task '" + taskId + "': " + to.root()
        + " already holds a different task with this id (" + dest + " differs from "
        + from.taskFile(state, taskId) + "); not overwritten");
  }

  /** Names in {@code dir} that can be task ids; none if it does not exist. */
  private static List<String> names(Path dir) throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        if (TaskPath.isValidComponent(name)) {
          names.add(name);
        }
      }
    } catch (NoSuchFileException | NotDirectoryException e) {
      return List.of();
    }
    return names;
  }
}
