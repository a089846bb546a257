package thermos.ckpt;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Replays a log through a {@link CheckpointDispatcher}, from any offset, stopping at the end of
 * the data, a torn tail, or the first record that is corrupt or rejected. Never throws for what
 * the log holds: problems are part of the {@link Result}.
 */
public final class LogReplay {
  /** Outcome of a replay pass. */
  public record Result(ReplayState state, String format, long position, long records,
      TornTail tornTail, CheckpointProblem problem) {
    /** True if every byte up to the end (or a torn tail) was applied. */
    public boolean clean() {
      return problem == null;
    }
  }

  private LogReplay() {}

  /** Replays the whole of {@code log} (any supported format) into a fresh state. */
  public static Result replay(Path log, boolean truncate) throws IOException {
    ReplayState state = new ReplayState(truncate);
    try (RecordSource source = CheckpointFiles.open(log, 0)) {
      return continueReplay(source, log, state, new CheckpointDispatcher(), false);
    }
  }

  /**
   * Applies the records of {@code source} to {@code state} until the data ends or a problem is
   * found; {@link Result#position()} is where the next pass should resume.
   */
  public static Result continueReplay(RecordSource source, Path log, ReplayState state,
      CheckpointDispatcher dispatcher, boolean recovery) throws IOException {
    long records = 0;
    CheckpointProblem problem = null;
    long position = source.position();
    while (true) {
      CheckpointRecord record;
      try {
        record = source.next();
      } catch (CorruptCheckpointException e) {
        problem = CheckpointProblem.of(e);
        break;
      }
      if (record == null) {
        break;
      }
      try {
        dispatcher.dispatch(state, record.ckpt(), record.offset(), recovery);
      } catch (CheckpointStateException e) {
        problem = CheckpointProblem.of(e.inFile(log));
        break;
      }
      records++;
      position = record.endOffset();
    }
    return new Result(state, source.format(), position, records,
        problem == null ? source.tornTail() : null, problem);
  }
}
