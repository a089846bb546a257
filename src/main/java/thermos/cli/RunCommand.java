package thermos.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import thermos.config.Interpolation;
import thermos.config.InvalidTaskException;
import thermos.config.TaskConfig;
import thermos.config.ThermosContext;
import thermos.config.TaskIds;
import thermos.config.TaskLoader;
import thermos.proto.ProcessHistory;
import thermos.proto.ProcessStatus;
import thermos.proto.RunnerState;
import thermos.proto.TaskState;
import thermos.runner.RunnerMain;
import thermos.runner.TaskRunner;

/** {@code run}: run a task in the foreground to a terminal state, printing transitions. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Run a task in the foreground, printing each transition; ^C kills it",
        "gracefully. Exit 0 on SUCCESS, 1 otherwise, 101-105 as the runner."})
final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin RootOption root;
  @Mixin PortOptions ports;
  @Mixin Verbosity verbosity;

  @Option(names = "--sandbox", paramLabel = "DIR",
      description = "Sandbox (default: ROOT/sandbox/TASK_ID).")
  Path sandbox;

  @Option(names = "--task-id", paramLabel = "ID",
      description = "Task id (default: NAME-YYYYmmdd-HHMMSS.micros).")
  String taskId;

  @Option(names = "--preemption-wait", paramLabel = "SECS",
      description = "Grace period of ^C/kill (default 60).")
  Double preemptionWait;

  @Parameters(paramLabel = "TASK_JSON", description = "The task, as Thermos task JSON.")
  Path taskJson;

  @Override
  public Integer call() {
    String id = taskId != null ? taskId : defaultTaskId(taskJson, ports.portmap());
    return runTask(spec, root, taskJson, id, sandbox, ports.portmap(), preemptionWait);
  }

  /** Runs {@code taskJson} as {@code id} in this JVM; shared with {@code simplerun}. */
  static int runTask(CommandSpec spec, RootOption root, Path taskJson, String id, Path sandbox,
      Map<String, Integer> portmap, Double preemptionWait) {
    PrintWriter out = spec.commandLine().getOut();
    // No --sandbox: the task's recorded one (a re-run), else ROOT/sandbox/ID.
    RunnerMain.Options o = new RunnerMain.Options(taskJson, root.root(), sandbox, id, portmap,
        preemptionWait == null ? null : Duration.ofMillis(Math.round(preemptionWait * 1000)),
        null, null, false, false, null);
    AtomicReference<TaskRunner> runner = new AtomicReference<>();
    out.println("Running task " + id + " (checkpoint root " + root.root() + ", sandbox "
        + RunnerMain.sandboxOf(o) + ")");
    out.flush();
    int code = RunnerMain.run(o, new ProgressPrinter(out, id), runner::set);
    if (code != 0) {
      return code;
    }
    RunnerState state = runner.get().snapshot();
    TaskState end = runner.get().taskState();
    summarize(out, id, end, state);
    return end == TaskState.SUCCESS ? ExitCodes.OK : ExitCodes.NOT_OK;
  }

  private static void summarize(PrintWriter out, String id, TaskState end, RunnerState state) {
    out.println("Task " + id + " finished: " + end);
    for (Map.Entry<String, ProcessHistory> e : new TreeMap<>(state.getProcessesMap()).entrySet()) {
      var runs = e.getValue().getRunsList();
      ProcessStatus last = runs.get(runs.size() - 1);
      out.printf("  %-20s runs: %d  last: %s%s%n", e.getKey(), runs.size(), last.getState(),
          last.hasReturnCode() ? " (rc " + last.getReturnCode() + ")" : "");
    }
    if (state.hasHeader() && state.getHeader().hasLogDir()) {
      out.println("Logs: " + state.getHeader().getLogDir());
    }
    out.flush();
  }

  private static String defaultTaskId(Path taskJson, Map<String, Integer> portmap) {
    try {
      TaskConfig task = Interpolation.bind(TaskLoader.load(taskJson),
          new ThermosContext(null, portmap, System.getProperty("user.name")));
      return TaskIds.defaultTaskId(task.name(), LocalDateTime.now());
    } catch (NoSuchFileException e) {
      throw new CliException(ExitCodes.NOT_FOUND, "task file " + taskJson + " does not exist");
    } catch (IOException | InvalidTaskException e) {
      throw new CliException(ExitCodes.INVALID_TASK, e.getMessage());
    }
  }
}
