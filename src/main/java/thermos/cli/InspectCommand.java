package thermos.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import thermos.ckpt.TaskPath;
import thermos.config.Interpolation;
import thermos.config.InvalidTaskException;
import thermos.config.TaskConfig;
import thermos.config.TaskIds;
import thermos.config.TaskJson;
import thermos.config.TaskLoader;
import thermos.config.TaskValidator;
import thermos.config.ThermosContext;

/** {@code inspect}: validate a task JSON file and print it interpolated, as a runner would. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = {"Validate a task JSON file and print the task with every default written out "
        + "and {{thermos.*}} bound, as the runner writes it to tasks/active/<task_id>.",
        "Ports not given with --port stay as {{thermos.ports[NAME]}} and are reported on stderr."})
final class InspectCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin PortOptions ports;

  @Option(names = "--task-id", paramLabel = "ID",
      description = "Bind {{thermos.task_id}} to ID (default: <task name>-YYYYmmdd-HHMMSS.uuuuuu).")
  String taskId;

  @Option(names = "--user", paramLabel = "USER",
      description = "Bind {{thermos.user}} to USER (default: the current user).")
  String user;

  @Parameters(paramLabel = "TASK_JSON", description = "The task JSON file.")
  Path taskJson;

  @Override
  public Integer call() throws IOException {
    TaskConfig task = loadValid(taskJson);
    Map<String, Integer> portmap = ports.portmap();
    String who = user != null ? user : System.getProperty("user.name");
    String id = taskId != null ? validTaskId(taskId) : defaultTaskId(task, portmap, who);
    TaskConfig bound = Interpolation.bind(task, new ThermosContext(id, portmap, who));

    PrintWriter out = spec.commandLine().getOut();
    out.println(TaskJson.toPrettyJson(bound));
    out.flush();
    try {
      TaskValidator.validatePorts(task, portmap);
    } catch (InvalidTaskException e) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("thermos inspect: note: " + e.getMessage()
          + " (left unbound above; bind with --port NAME:PORT)");
      err.flush();
    }
    return ExitCodes.OK;
  }

  static TaskConfig loadValid(Path file) throws IOException {
    try {
      TaskConfig task = TaskLoader.load(file);
      TaskValidator.validate(task);
      return task;
    } catch (NoSuchFileException e) {
      throw new CliException(ExitCodes.NOT_FOUND, "no such task file: " + file, e);
    } catch (InvalidTaskException e) {
      throw new CliException(ExitCodes.INVALID_TASK, "invalid task: " + e.getMessage(), e);
    }
  }

  private static String validTaskId(String id) {
    try {
      return TaskPath.validTaskId(id);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.USAGE, e.getMessage());
    }
  }

  /** Thermos names the task id after the task's interpolated name. */
  private static String defaultTaskId(TaskConfig task, Map<String, Integer> portmap, String who) {
    String name = Interpolation.bind(task, new ThermosContext(null, portmap, who)).name();
    return TaskIds.defaultTaskId(name, LocalDateTime.now());
  }
}
