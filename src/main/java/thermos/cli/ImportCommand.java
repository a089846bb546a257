package thermos.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import thermos.ckpt.TaskPath;
import thermos.ckpt.legacy.ImportConflictException;
import thermos.ckpt.legacy.LegacyImporter;
import thermos.ckpt.legacy.LegacyImporter.Outcome;

/** {@code import}: convert tasks of a Thermos checkpoint root into a root of ours. */
@Command(name = "import", mixinStandardHelpOptions = true,
    description = {"Convert tasks of a Thermos checkpoint root into this format.",
        "Each runner checkpoint is rewritten (every record, same order, CRC-framed, fsynced) and "
            + "the task JSON sentinel copied as is. Importing again changes nothing; a task "
            + "that exists in ROOT with other contents is never overwritten (exit 6)."})
final class ImportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin Verbosity verbosity;

  @Option(names = "--from", required = true, paramLabel = "THERMOS_ROOT",
      description = "The Thermos checkpoint root to read (left unchanged).")
  Path from;

  @Option(names = "--to", required = true, paramLabel = "ROOT",
      description = "The checkpoint root to import into (created if needed).")
  Path to;

  @Option(names = "--copy-logs", description = "Also copy the process logs, to ROOT/logs/TASK_ID "
      + "(by default they stay where they are, and ROOT/logs/TASK_ID links to them when the "
      + "task's header names no log_dir).")
  boolean copyLogs;

  @Parameters(paramLabel = "TASK_ID", arity = "0..*",
      description = "Tasks to import (default: every task under THERMOS_ROOT).")
  List<String> taskIds = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    if (!Files.isDirectory(from)) {
      throw new CliException(ExitCodes.NOT_FOUND, "no Thermos checkpoint root at " + from);
    }
    if (Files.isDirectory(to) && Files.isSameFile(from, to)) {
      throw new CliException(ExitCodes.USAGE, "--from and --to are the same directory: " + to);
    }
    for (String id : taskIds) {
      if (!TaskPath.isValidComponent(id)) {
        throw new CliException(ExitCodes.USAGE, "invalid TASK_ID '" + id + "'");
      }
    }
    LegacyImporter importer = new LegacyImporter(from, to, copyLogs);
    List<String> ids = taskIds.isEmpty() ? importer.taskIds() : taskIds;
    if (ids.isEmpty()) {
      throw new CliException(ExitCodes.NOT_FOUND, "no tasks under " + from);
    }
    PrintWriter out = spec.commandLine().getOut();
    int exit = ExitCodes.OK;
    for (String id : ids) {
      try {
        report(out, importer.importTask(id));
      } catch (IOException e) {
        // One task failing does not stop the others; the exit code is the first failure's.
        error(e instanceof NoSuchFileException n && n.getReason() != null
            ? n.getReason() + " (" + n.getFile() + ")" : ThermosCli.messageOf(e));
        if (exit == ExitCodes.OK) {
          exit = e instanceof ImportConflictException ? ExitCodes.CONFLICT : ThermosCli.exitCodeOf(e);
        }
      }
      out.flush();
    }
    return exit;
  }

  private void report(PrintWriter out, Outcome o) {
    if (o.status() == LegacyImporter.Status.ALREADY_IMPORTED) {
      out.printf("already imported %s%n", o.taskId());
    } else {
      out.printf("imported %s (%s, %d records, %s)%s%n", o.taskId(), o.sourceFormat(),
          o.records(), o.sentinel() == null ? "no task sentinel" : o.sentinel().dirName(),
          o.logFiles() > 0 ? ", " + o.logFiles() + " log file(s) copied"
              : o.logLink() != null ? ", logs left in place, linked at " + o.logLink() : "");
    }
    if (o.tornTail() != null) {
      note(o.taskId() + ": " + o.tornTail() + " at the end of its checkpoint was left out");
    }
    if (o.logSource() != null && o.logFiles() == 0 && !Files.isDirectory(o.logSource())) {
      note(o.taskId() + ": no logs at " + o.logSource());
    }
  }

  private void note(String message) {
    PrintWriter err = spec.commandLine().getErr();
    err.println("thermos import: note: " + message);
    err.flush();
  }

  private void error(String message) {
    PrintWriter err = spec.commandLine().getErr();
    err.println("thermos import: error: " + message);
    err.flush();
  }
}
