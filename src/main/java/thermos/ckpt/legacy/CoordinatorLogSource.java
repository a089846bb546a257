package thermos.ckpt.legacy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import thermos.ckpt.CheckpointDispatcher;
import thermos.ckpt.CheckpointFiles;
import thermos.ckpt.CheckpointRecord;
import thermos.ckpt.LogReplay;
import thermos.ckpt.RecordSource;
import thermos.ckpt.ReplayState;
import thermos.ckpt.States;
import thermos.ckpt.TornTail;
import thermos.proto.ProcessState;
import thermos.proto.ProcessStatus;
import thermos.proto.RunnerCkpt;

/**
 * Lets a Thermos coordinator log ({@code coordinator.<process>}) be replayed like a runner log.
 *
 * <p>A coordinator file holds only each run's FORKED, RUNNING and terminal records; the WAITING
 * record that opens a run is written by the runner alone, so the file's seqs skip it
 * (SEMANTICS.md §1b.4) and the dispatcher would reject its first record. When the first record
 * of the file is a process update other than WAITING, this source is in <em>coordinator mode</em>
 * and supplies the missing {@code WAITING(seq - 1)} before each FORKED that opens a run (the
 * process is new, or its last run ended at {@code seq - 2}). Supplied records carry no bytes: they
 * start and end where the FORKED record starts. Nothing else is invented: a run that a runner-only
 * record (LOST, a kill) ended leaves a gap that the dispatcher still reports.
 *
 * <p>Any other log (a runner log starts with a TaskStatus or header) passes through unchanged.
 */
public final class CoordinatorLogSource implements RecordSource {
  /**
   * A whole replay of a log: {@code result.records()} counts the records of the file only;
   * {@code supplied} tells how many WAITING records coordinator mode added.
   */
  public record Replay(LogReplay.Result result, boolean coordinatorMode, long supplied) {}

  private final RecordSource source;
  /** Null until the first record decides. */
  private Boolean coordinatorMode;
  private final Map<String, ProcessStatus> last = new HashMap<>();
  private CheckpointRecord held;
  private long supplied;

  public CoordinatorLogSource(RecordSource source) {
    this.source = source;
  }

  /** Replays {@code log} (any format, runner or coordinator log) into a fresh, full state. */
  public static Replay replay(Path log) throws IOException {
    try (CoordinatorLogSource source = new CoordinatorLogSource(CheckpointFiles.open(log, 0))) {
      LogReplay.Result r = LogReplay.continueReplay(source, log, new ReplayState(false),
          new CheckpointDispatcher(), false);
      long supplied = source.suppliedRecords();
      // Supplied WAITINGs always apply (new process, or previous run terminal at seq - 2).
      LogReplay.Result fileOnly = new LogReplay.Result(r.state(), r.format(), r.position(),
          r.records() - supplied, r.tornTail(), r.problem());
      return new Replay(fileOnly, source.coordinatorMode(), supplied);
    }
  }

  @Override
  public CheckpointRecord next() throws IOException {
    if (held != null) {
      CheckpointRecord r = held;
      held = null;
      return track(r);
    }
    CheckpointRecord r = source.next();
    if (r == null) {
      return null;
    }
    if (coordinatorMode == null) {
      coordinatorMode = r.ckpt().hasProcessStatus()
          && r.ckpt().getProcessStatus().getState() != ProcessState.WAITING;
    }
    if (coordinatorMode && opensRunWithoutWaiting(r.ckpt())) {
      held = r;
      supplied++;
      ProcessStatus forked = r.ckpt().getProcessStatus();
      ProcessStatus waiting = ProcessStatus.newBuilder().setSeq(forked.getSeq() - 1)
          .setProcess(forked.getProcess()).setState(ProcessState.WAITING).build();
      return track(new CheckpointRecord(r.offset(), 0,
          RunnerCkpt.newBuilder().setProcessStatus(waiting).build(), 0));
    }
    return track(r);
  }

  private boolean opensRunWithoutWaiting(RunnerCkpt ckpt) {
    if (!ckpt.hasProcessStatus()) {
      return false;
    }
    ProcessStatus u = ckpt.getProcessStatus();
    if (u.getState() != ProcessState.FORKED || !u.hasSeq() || u.getSeq() < 1) {
      return false;
    }
    ProcessStatus previous = last.get(u.getProcess());
    return previous == null
        || (States.isTerminal(previous.getState()) && previous.getSeq() == u.getSeq() - 2);
  }

  private CheckpointRecord track(CheckpointRecord r) {
    if (r.ckpt().hasProcessStatus()) {
      ProcessStatus u = r.ckpt().getProcessStatus();
      last.put(u.getProcess(), u);
    }
    return r;
  }

  /** True once the first record showed a coordinator log. */
  public boolean coordinatorMode() {
    return Boolean.TRUE.equals(coordinatorMode);
  }

  /** How many WAITING records this source supplied so far (they are not in the file). */
  public long suppliedRecords() {
    return supplied;
  }

  @Override
  public long position() {
    // While a FORKED record is held back, its bytes have not been handed out yet.
    return held != null ? held.offset() : source.position();
  }

  @Override
  public TornTail tornTail() {
    return source.tornTail();
  }

  @Override
  public String format() {
    return source.format();
  }

  @Override
  public void close() throws IOException {
    source.close();
  }
}
