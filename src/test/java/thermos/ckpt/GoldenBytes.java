package thermos.ckpt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import thermos.ckpt.golden.GoldenLogs;
import thermos.ckpt.golden.Scenarios;
import thermos.ckpt.golden.Scenarios.Scenario;
import thermos.proto.RunnerCkpt;
import thermos.proto.RunnerState;

/**
 * A golden log's bytes with an independent oracle: where each record starts, and the state after
 * each prefix of its records, computed by dispatching the scenario's records directly.
 */
record GoldenBytes(String name, byte[] bytes, long[] starts, List<RunnerState> prefixStates) {
  static Stream<String> names() {
    return Scenarios.all().stream().map(Scenario::name);
  }

  static GoldenBytes load(String name) {
    try {
      Scenario s = Scenarios.named(name);
      byte[] bytes = Files.readAllBytes(GoldenLogs.DIR.resolve(name).resolve(GoldenLogs.LOG));
      long[] starts = new long[s.records().size() + 1];
      for (int i = 0; i < s.records().size(); i++) {
        starts[i + 1] = starts[i] + Ckpts.frame(s.records().get(i)).length;
      }
      if (starts[starts.length - 1] != bytes.length) {
        throw new IllegalStateException(name + ": log length does not match its records");
      }
      return new GoldenBytes(name, bytes, starts, prefixStates(s.records(), false));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** State after 0, 1, ..., n records. */
  static List<RunnerState> prefixStates(List<RunnerCkpt> records, boolean truncate) {
    List<RunnerState> states = new ArrayList<>();
    ReplayState state = new ReplayState(truncate);
    CheckpointDispatcher dispatcher = new CheckpointDispatcher();
    states.add(state.toProto());
    for (RunnerCkpt r : records) {
      dispatcher.dispatch(state, r);
      states.add(state.toProto());
    }
    return states;
  }

  int recordCount() {
    return starts.length - 1;
  }

  /** Whole records in the first {@code length} bytes. */
  int wholeRecordsIn(long length) {
    int k = 0;
    while (k < recordCount() && starts[k + 1] <= length) {
      k++;
    }
    return k;
  }

  /** Index of the record holding byte {@code offset}. */
  int recordHolding(long offset) {
    return wholeRecordsIn(offset);
  }

  Path file() {
    return GoldenLogs.DIR.resolve(name).resolve(GoldenLogs.LOG);
  }
}
