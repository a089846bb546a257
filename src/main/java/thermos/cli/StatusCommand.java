package thermos.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import thermos.monitor.TaskDetector;
import thermos.proto.ProcessSummary;
import thermos.proto.TaskSummary;

/** {@code status}: active and finished tasks under a root, with their states. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "List active and finished tasks with their states.")
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin RootOption root;
  @Mixin Verbosity verbosity;

  @Option(names = "--json", description = "Print a JSON array, one object per task.")
  boolean json;

  @Parameters(paramLabel = "REGEX", arity = "0..*",
      description = "Only tasks whose id starts with a match of one of these.")
  List<String> regexes = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    List<Pattern> patterns = new ArrayList<>();
    for (String r : regexes) {
      try {
        patterns.add(Pattern.compile(r));
      } catch (PatternSyntaxException e) {
        throw new CliException(ExitCodes.USAGE, "invalid REGEX '" + r + "': " + e.getDescription());
      }
    }
    if (!Files.isDirectory(root.root())) {
      // "Nothing matched" (exit 1) is for an existing root; a root that is not there is named.
      throw new CliException(ExitCodes.NOT_FOUND, "checkpoint root " + root.root()
          + (Files.exists(root.root()) ? " is not a directory" : " does not exist")
          + (root.given() ? "" : " (the default: give --root or set $THERMOS_ROOT)"));
    }
    TaskDetector detector = new TaskDetector(root.paths());
    List<TaskSummary> tasks = TaskSummaries.scan(detector, patterns);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(JsonOutput.printArray(tasks));
      out.flush();
      return tasks.isEmpty() ? ExitCodes.NOT_OK : ExitCodes.OK;
    }
    if (tasks.isEmpty()) {
      out.println("No tasks found.");
      out.flush();
      return ExitCodes.NOT_OK;
    }
    printGroup(out, detector, "Active tasks:", tasks, true);
    printGroup(out, detector, "Finished tasks:", tasks, false);
    out.flush();
    return ExitCodes.OK;
  }

  private void printGroup(PrintWriter out, TaskDetector detector, String title,
      List<TaskSummary> tasks, boolean active) {
    out.println(title);
    for (TaskSummary t : tasks) {
      if (t.getActive() != active) {
        continue;
      }
      out.printf("  %-20s [owner: %s]  state: %s  start: %s  format: %s%n", t.getTaskId(),
          TaskSummaries.owner(detector, t.getTaskId()), t.getState(),
          t.hasLaunchTimeMs() ? HumanTime.ofMillis(t.getLaunchTimeMs()) : "-",
          t.hasCheckpointFormat() ? t.getCheckpointFormat() : "-");
      if (t.hasProblem()) {
        out.printf("    ! %s%n", t.getProblem());
      }
      if (verbosity.verbose()) {
        out.printf("    user: %s  ports: %s  sandbox: %s%n",
            t.hasUser() ? t.getUser() : "-", StatePrinter.ports(t.getPortsMap()),
            t.hasSandbox() ? t.getSandbox() : "-");
        for (Map.Entry<String, ProcessSummary> e : new TreeMap<>(t.getProcessesMap()).entrySet()) {
          ProcessSummary p = e.getValue();
          out.printf("    - %s runs: %d last: pid=%s, rc=%s, finish:%s, state:%s%n", e.getKey(),
              p.getRuns(), p.hasPid() ? p.getPid() : "-", p.hasReturnCode() ? p.getReturnCode() : "-",
              p.hasStopTime() ? HumanTime.ofSeconds(p.getStopTime()) : "-", p.getState());
        }
      }
    }
    out.println();
  }
}
