package thermos.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import thermos.ckpt.TaskPath;
import thermos.config.ProcessConfig;
import thermos.config.Resources;
import thermos.config.TaskConfig;
import thermos.config.TaskIds;
import thermos.config.TaskJson;

/** {@code simplerun}: run one command as a one-process task, in a fresh sandbox. */
@Command(name = "simplerun", mixinStandardHelpOptions = true,
    description = "Run one command as a one-process task (exit 0 on SUCCESS, 1 otherwise).")
final class SimpleRunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin RootOption root;
  @Mixin Verbosity verbosity;

  @Option(names = "--name", paramLabel = "NAME", description = "Task and process name (default: simple).")
  String name = "simple";

  @Option(names = "--task-id", paramLabel = "ID", description = "Task id (default: NAME-timestamp).")
  String taskId;

  @Parameters(paramLabel = "CMD", arity = "1..*", description = "The command (after --).")
  List<String> command;

  @Override
  public Integer call() throws IOException {
    try {
      TaskPath.validProcessName(name);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.USAGE, "--name: " + e.getMessage());
    }
    String cmdline = String.join(" ", command);
    // Thermos' SimpleTask: one process named like the task, cpu 1, ram 256 MiB, disk 0.
    ProcessConfig process = ProcessConfig.of(name, cmdline);
    TaskConfig task = new TaskConfig(name, List.of(process), List.of(),
        new Resources(1.0, 256L * 1024 * 1024, 0, 0), TaskConfig.DEFAULT_MAX_FAILURES,
        TaskConfig.DEFAULT_MAX_CONCURRENCY, TaskConfig.DEFAULT_FINALIZATION_WAIT_SECS, null);
    String id = taskId != null ? taskId : TaskIds.defaultTaskId(name, LocalDateTime.now());
    Path sandbox = Files.createTempDirectory("thermos-simplerun-");
    Path json = Files.createTempFile("thermos-simplerun-", ".json");
    try {
      Files.writeString(json, TaskJson.toJson(task), StandardCharsets.UTF_8);
      spec.commandLine().getOut().println("Running command: '" + cmdline + "'");
      return RunCommand.runTask(spec, root, json, id, sandbox, Map.of(), null);
    } finally {
      Files.deleteIfExists(json);
    }
  }
}
