package thermos.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import thermos.runner.RunnerMain;

/** {@code runner}: the runner entry point the executor library forks (DESIGN.md §6). */
@Command(name = "runner", mixinStandardHelpOptions = true,
    description = {"Run one task to a terminal state, checkpointing every transition.",
        "Exit codes: 0 terminal state reached, 101 internal error, 102 invalid task,",
        "103 unknown error (e.g. checkpoint locked), 104 unknown user, 105 task already terminal."})
final class RunnerCommand implements Callable<Integer> {
  @Option(names = "--task-json", required = true, paramLabel = "FILE",
      description = "The task, as Thermos task JSON.")
  Path taskJson;

  @Option(names = "--checkpoint-root", required = true, paramLabel = "ROOT",
      description = "Checkpoint root.")
  Path checkpointRoot;

  @Option(names = "--sandbox", required = true, paramLabel = "DIR",
      description = "The task's sandbox (cwd and HOME of its processes).")
  Path sandbox;

  @Option(names = "--task-id", required = true, paramLabel = "ID", description = "The task id.")
  String taskId;

  @Mixin PortOptions ports;
  @Mixin LoggerOptions logger;

  @Option(names = "--preemption-wait", paramLabel = "SECS",
      description = "Grace period of a kill without its own (default 60).")
  Double preemptionWait;

  @Option(names = "--log-dir", paramLabel = "DIR",
      description = "Process log directory (default: SANDBOX/.logs).")
  Path logDir;

  @Option(names = "--hostname", paramLabel = "HOST", description = "Hostname to record.")
  String hostname;

  @Option(names = "--preserve-env", description = "Give processes the runner's environment.")
  boolean preserveEnv;

  @Option(names = "--force", description = "Take the checkpoint from a live runner.")
  boolean force;

  @Mixin Verbosity verbosity;

  @Override
  public Integer call() {
    Verbosity.atLeastInfo();
    RunnerMain.Options o = new RunnerMain.Options(taskJson, checkpointRoot, sandbox, taskId,
        ports.portmap(), preemptionWait == null ? null
            : Duration.ofMillis(Math.round(preemptionWait * 1000)),
        logDir, hostname, preserveEnv, force, logger.logger());
    try {
      return RunnerMain.run(o, null, null);
    } finally {
      // The process exits next: without its file-watch thread (blocked in native poll) the
      // JVM exits at once instead of ~300 ms later.
      thermos.monitor.DirectoryWatcher.closeAll();
    }
  }
}
