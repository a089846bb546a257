package thermos.cli;

import com.google.protobuf.TextFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import thermos.ckpt.CheckpointFiles;
import thermos.ckpt.CheckpointRecord;
import thermos.ckpt.CorruptCheckpointException;
import thermos.ckpt.LogReplay;
import thermos.ckpt.RecordSource;
import thermos.ckpt.legacy.CoordinatorLogSource;

/** {@code read}: replay a checkpoint and print header, task states and process runs. */
@Command(name = "read", mixinStandardHelpOptions = true,
    description = "Replay a checkpoint and print its header, task states and process runs.")
final class ReadCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin RootOption root;
  @Mixin Verbosity verbosity;

  @Option(names = "--json", description = "Print the replayed RunnerState as JSON.")
  boolean json;

  @Option(names = "--simple", description = "Print each record as it is stored, one per line.")
  boolean simple;

  @Parameters(paramLabel = "TASK_ID_OR_CHECKPOINT_FILE",
      description = "A task id under the root, or the path of a checkpoint log: ours, a "
          + "Thermos runner log, or a Thermos coordinator.PROCESS log (read in coordinator mode).")
  String target;

  @Override
  public Integer call() throws IOException {
    Path log = CheckpointLocator.locate(root.paths(), target);
    PrintWriter out = spec.commandLine().getOut();
    if (simple) {
      return printRecords(log, out);
    }
    CoordinatorLogSource.Replay replay = CoordinatorLogSource.replay(log);
    LogReplay.Result result = replay.result();
    if (result.records() == 0 && result.clean()) {
      throw new CliException(ExitCodes.CORRUPT, "checkpoint " + log + " holds no records"
          + (result.tornTail() == null ? " (empty file)" : " (only a " + result.tornTail() + ")"));
    }
    if (json) {
      out.println(JsonOutput.print(result.state().toProto()));
    } else if (replay.coordinatorMode()) {
      new StatePrinter(out).printCoordinatorLog(log, result, replay.supplied());
    } else {
      new StatePrinter(out).print(log, result);
    }
    out.flush();
    return finish(log, result);
  }

  private int printRecords(Path log, PrintWriter out) throws IOException {
    try (RecordSource source = CheckpointFiles.open(log, 0)) {
      CheckpointRecord record;
      long count = 0;
      while ((record = source.next()) != null) {
        out.println("CKPT: " + TextFormat.printer().shortDebugString(record.ckpt()));
        count++;
      }
      out.flush();
      if (count == 0) {
        // As for the replayed views: a log without one whole record is an error.
        throw new CliException(ExitCodes.CORRUPT, "checkpoint " + log + " holds no records"
            + (source.tornTail() == null ? " (empty file)" : " (only a " + source.tornTail() + ")"));
      }
      if (source.tornTail() != null) {
        warn(log + ": " + source.tornTail() + " (a write in progress, or a crash during one)");
      }
      return ExitCodes.OK;
    } catch (CorruptCheckpointException e) {
      out.flush();
      throw new CliException(ExitCodes.CORRUPT, e.getMessage());
    }
  }

  private int finish(Path log, LogReplay.Result result) {
    if (result.problem() != null) {
      throw new CliException(ExitCodes.CORRUPT, result.problem().message()
          + " (state shown is that of the " + result.records() + " record(s) before it)");
    }
    if (result.tornTail() != null) {
      warn(log + ": " + result.tornTail() + " (a write in progress, or a crash during one)");
    }
    return ExitCodes.OK;
  }

  private void warn(String message) {
    PrintWriter err = spec.commandLine().getErr();
    err.println("thermos read: note: " + message);
    err.flush();
  }
}
