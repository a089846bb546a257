package thermos.monitor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import thermos.ckpt.CheckpointDispatcher;
import thermos.ckpt.CheckpointFiles;
import thermos.ckpt.CheckpointProblem;
import thermos.ckpt.LogReplay;
import thermos.ckpt.RecordSource;
import thermos.ckpt.ReplayState;
import thermos.ckpt.TornTail;

/**
 * Replays one checkpoint log incrementally: each {@link #refresh} reads only from the end of the
 * valid prefix. Not thread-safe ({@link TaskMonitor} guards it).
 *
 * <p>When to read: a file whose stat (size, mtime, identity) is unchanged since the last read holds
 * nothing new, so that costs a {@code stat} only. Two states are not final, and are read again
 * even so: a torn tail (a new writer may cut it and append a record of exactly its length, leaving
 * the size unchanged), and a problem once the file changed or a file event arrived (a runner
 * writes at its own offset, so garbage someone appended is overwritten by its next record; a truly
 * corrupt record is simply found again). The format is judged once, from the first whole record,
 * and never looked at again, so a refresh never re-reads the start of the log.
 */
final class LogFollower {
  private static final Logger log = LoggerFactory.getLogger(LogFollower.class);

  /** What a {@code stat} says about the log. Equal stamps: nothing was written since. */
  private record Stamp(long size, FileTime modified, Object fileKey) {
    static Stamp of(BasicFileAttributes a) {
      return new Stamp(a.size(), a.lastModifiedTime(), a.fileKey());
    }
  }

  private final Path checkpoint;
  private final boolean truncate;

  private ReplayState state;
  private CheckpointDispatcher dispatcher;
  private long position;
  private Stamp lastRead;
  private long eventsAtLastRead;
  private TornTail tornTail;
  private CheckpointProblem problem;
  /** The format as last read; {@link #formatKnown} once a whole record confirmed it. */
  private String format;
  private boolean formatKnown;

  LogFollower(Path checkpoint, boolean truncate) {
    this.checkpoint = Objects.requireNonNull(checkpoint);
    this.truncate = truncate;
    reset();
  }

  /**
   * Applies whatever has been written since the last call.
   *
   * @param events the owner's count of file events for the log (a changed count retries a problem
   *     even when the stat looks the same, e.g. garbage overwritten in the same mtime tick)
   * @return true if the state changed (new records, the log replaced and replayed, or a problem
   *     that appeared or went away)
   */
  boolean refresh(long events) {
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(checkpoint, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      log.debug("cannot stat {}: {}", checkpoint, e.toString());
      return false;
    }
    Stamp stamp = Stamp.of(attrs);
    Object key = lastRead == null ? null : lastRead.fileKey();
    boolean replaced = (key != null && stamp.fileKey() != null && !key.equals(stamp.fileKey()))
        || stamp.size() < position;
    if (replaced) {
      log.info("checkpoint {} was replaced or truncated; replaying it afresh", checkpoint);
      reset();
    } else if (!mustRead(stamp, events)) {
      return false;
    }
    CheckpointProblem before = problem;
    try (RecordSource source = CheckpointFiles.open(checkpoint, position,
        formatKnown ? format : null)) {
      LogReplay.Result r = LogReplay.continueReplay(source, checkpoint, state, dispatcher, false);
      format = r.format();
      position = r.position();
      formatKnown = position > 0; // a whole record was read in that format: the detection held
      tornTail = r.tornTail();
      problem = r.problem();
      lastRead = stamp;
      eventsAtLastRead = events;
      if (problem != null && !problem.equals(before)) {
        log.warn("{}", problem.message());
      }
      return r.records() > 0 || replaced || !Objects.equals(problem, before);
    } catch (NoSuchFileException e) {
      return replaced;
    } catch (IOException e) {
      log.debug("cannot read {}: {}", checkpoint, e.toString());
      return replaced;
    }
  }

  private boolean mustRead(Stamp stamp, long events) {
    if (tornTail != null || !stamp.equals(lastRead)) {
      return true;
    }
    return problem != null && events != eventsAtLastRead;
  }

  ReplayState state() {
    return state;
  }

  long position() {
    return position;
  }

  TornTail tornTail() {
    return tornTail;
  }

  CheckpointProblem problem() {
    return problem;
  }

  String format() {
    return format;
  }

  private void reset() {
    state = new ReplayState(truncate);
    dispatcher = new CheckpointDispatcher();
    position = 0;
    lastRead = null;
    tornTail = null;
    problem = null;
    formatKnown = false;
  }
}
