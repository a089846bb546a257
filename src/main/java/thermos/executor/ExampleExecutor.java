package thermos.executor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import thermos.proto.TaskState;

/**
 * A small executor without Mesos, assembled the way Aurora's is: a {@link ThermosTaskRunner}
 * (wrapped for HTTP lifecycle teardown when the task has the lifecycle port), a
 * {@link KillManager} and a health checker chained under a {@link StatusManager}. It launches
 * the task, prints each status transition on stdout, and stops the task when stdin says
 * {@code stop} or on SIGTERM — also during the start, which then ends as Aurora's does: KILLED
 * "Task killed during initialization.".
 *
 * <pre>
 * java -cp target/thermos.jar thermos.executor.ExampleExecutor --task-json FILE [--root R]
 *     [--sandbox S] [--task-id ID] [--port NAME:PORT]... [--preemption-wait SECS]
 *     [--stop-timeout SECS] [--start-timeout SECS] [--lifecycle-port NAME] [--jar JAR]
 *     [--runner-command CMD]
 * </pre>
 *
 * Output lines: {@code STARTING ID}, {@code RUNNING reason}, then one terminal
 * {@code FINISHED|FAILED|KILLED|LOST reason}. Exit 0 if the task FINISHED, 1 otherwise, 2 on a
 * bad command line (one line on stderr).
 */
public final class ExampleExecutor {
  static final String KILLED_DURING_INITIALIZATION = "Task killed during initialization.";

  private final PrintStream out;
  private final PrintStream err;

  ExampleExecutor(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) throws InterruptedException {
    System.exit(new ExampleExecutor(System.out, System.err).run(args));
  }

  private synchronized void say(String line) {
    out.println(line);
    out.flush();
  }

  int run(String[] args) throws InterruptedException {
    ExampleExecutorOptions o = new ExampleExecutorOptions();
    CommandLine cl = new CommandLine(o);
    ThermosTaskRunner runner;
    try {
      cl.parseArgs(args);
      if (cl.isUsageHelpRequested()) {
        cl.usage(out);
        return 0;
      }
      runner = build(o);
    } catch (ParameterException | IllegalArgumentException e) {
      err.println("ExampleExecutor: " + e.getMessage());
      return 2;
    }
    try (runner) {
      TaskLifecycle task = HttpLifecycleManager.wrap(runner, HttpLifecycleManager.Config
          .defaults().withPortName(o.lifecyclePort));
      return execute(runner, task, o.startTimeout, o.stopTimeout);
    }
  }

  private static ThermosTaskRunner build(ExampleExecutorOptions o) {
    String id = o.taskId();
    Path sandbox = o.sandbox != null ? o.sandbox : o.root().resolve("sandbox").resolve(id);
    ThermosTaskRunnerBuilder b = ThermosTaskRunner.builder(o.taskJson, id, sandbox, o.root())
        .ports(o.portmap()).preemptionWait(o.preemptionWait).stopTimeout(o.stopTimeout);
    if (o.runnerCommand != null) {
      b.launcher(RunnerLauncher.ofCommand(List.of(o.runnerCommand)));
    } else if (o.jar != null) {
      b.launcher(RunnerLauncher.defaults().withJar(o.jar));
    }
    return b.build();
  }

  private int execute(ThermosTaskRunner runner, TaskLifecycle task, Duration startTimeout,
      Duration stopTimeout) throws InterruptedException {
    KillManager kills = new KillManager();
    AtomicBoolean starting = new AtomicBoolean(true);
    // First, so a stop during the start is neither lost nor the JVM's default death.
    installStopTriggers(reason -> {
      kills.kill(reason);
      if (starting.get()) {
        runner.kill(); // durable: the runner gets it as it boots, and the start ends soon
      }
    });
    say("STARTING " + runner.taskId());
    try {
      task.start(startTimeout);
    } catch (TaskError e) {
      if (!kills.isKilled()) {
        say("FAILED Task initialization failed: " + e.getMessage());
        return 1;
      }
    } finally {
      starting.set(false);
    }
    if (kills.isKilled()) {
      stop(task, runner.taskId(), stopTimeout);
      say(ExecutorState.KILLED + " " + KILLED_DURING_INITIALIZATION);
      return 1;
    }
    CompletableFuture<StatusResult> terminal = new CompletableFuture<>();
    StatusChecker chain = ChainedStatusChecker.of(task,
        ChainedStatusChecker.of(kills, new NoopHealthChecker()));
    try (StatusManager manager = new StatusManager(chain,
        r -> say("RUNNING " + r.reason()), terminal::complete)) {
      manager.start();
      StatusResult trigger = terminal.join();
      // Aurora's _shutdown: the runner's own status if it had already finished, else the
      // triggering one — always with the triggering reason.
      Optional<StatusResult> before = task.status();
      stop(task, runner.taskId(), stopTimeout);
      ExecutorState state = before.map(StatusResult::state).orElse(trigger.state());
      say(state + " " + trigger.reason());
      return state == ExecutorState.FINISHED ? 0 : 1;
    }
  }

  private void stop(TaskLifecycle task, String id, Duration timeout)
      throws InterruptedException {
    try {
      Optional<TaskState> end = task.stop(timeout);
      err.println("ExampleExecutor: task " + id + " stopped: "
          + end.map(Object::toString).orElse("nothing was launched"));
    } catch (TaskError e) {
      err.println("ExampleExecutor: stop failed: " + e.getMessage());
    }
  }

  /** "stop" on stdin or SIGTERM stops the task, as an executor's killTask does. */
  private void installStopTriggers(Consumer<String> stop) {
    Thread stdin = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          if (line.strip().equals("stop")) {
            stop.accept("Stopped on request.");
            return;
          }
        }
      } catch (IOException e) {
        // no stdin: only SIGTERM stops the task
      }
    }, "example-executor-stdin");
    stdin.setDaemon(true);
    stdin.start();
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("TERM"), s -> stop.accept("Killed by SIGTERM."));
    } catch (IllegalArgumentException e) {
      err.println("ExampleExecutor: cannot handle SIGTERM: " + e.getMessage());
    }
  }
}
