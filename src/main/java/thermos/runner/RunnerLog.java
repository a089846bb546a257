package thermos.runner;

import java.io.Closeable;
import java.io.IOException;
import thermos.ckpt.CheckpointDispatcher;
import thermos.ckpt.CheckpointWriter;
import thermos.ckpt.ReplayState;
import thermos.proto.RunnerCkpt;

/**
 * The runner's side of the checkpoint: every transition is checked by the dispatcher, made
 * durable, and only then applied (and its handlers run) — so nothing is acted on that is not on
 * disk, and nothing invalid ever reaches the disk.
 */
final class RunnerLog implements Closeable {
  private final CheckpointWriter writer;
  private final ReplayState state;
  private final CheckpointDispatcher dispatcher;

  RunnerLog(CheckpointWriter writer, ReplayState state, CheckpointDispatcher dispatcher) {
    this.writer = writer;
    this.state = state;
    this.dispatcher = dispatcher;
  }

  void write(RunnerCkpt ckpt) throws IOException {
    dispatcher.validate(state, ckpt);
    long offset = writer.append(ckpt);
    dispatcher.dispatch(state, ckpt, offset, false);
  }

  ReplayState state() {
    return state;
  }

  @Override
  public void close() throws IOException {
    writer.close();
  }
}
