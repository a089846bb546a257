package thermos.executor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import thermos.ckpt.TaskPath;
import thermos.config.TaskIds;
import thermos.proto.TaskState;

/**
 * A small executor without Mesos, assembled the way Aurora's is: a {@link ThermosTaskRunner}
 * (wrapped for HTTP lifecycle teardown when the task has the lifecycle port), a
 * {@link KillManager} and a health checker chained under a {@link StatusManager}. It launches
 * the task, prints each status transition on stdout, and stops the task when stdin says
 * {@code stop} or on SIGTERM.
 *
 * <pre>
 * java -cp target/thermos.jar thermos.executor.ExampleExecutor --task-json FILE [--root R]
 *     [--sandbox S] [--task-id ID] [--port NAME:PORT]... [--preemption-wait SECS]
 *     [--stop-timeout SECS] [--start-timeout SECS] [--lifecycle-port NAME] [--jar JAR]
 * </pre>
 *
 * Output lines: {@code STARTING ID}, {@code RUNNING reason}, then one terminal
 * {@code FINISHED|FAILED|KILLED|LOST reason}. Exit 0 if the task FINISHED, 1 otherwise, 2 on a
 * bad command line.
 */
public final class ExampleExecutor {
  private final PrintStream out;

  private ExampleExecutor(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) throws InterruptedException {
    System.exit(new ExampleExecutor(System.out).run(args));
  }

  private synchronized void say(String line) {
    out.println(line);
    out.flush();
  }

  int run(String[] args) throws InterruptedException {
    Map<String, String> opts = new TreeMap<>();
    Map<String, Integer> ports = new TreeMap<>();
    try {
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.equals("--help") || a.equals("-h")) {
          say("usage: ExampleExecutor --task-json FILE [--root R] [--sandbox S] [--task-id ID]"
              + " [--port NAME:PORT]... [--preemption-wait SECS] [--stop-timeout SECS]"
              + " [--start-timeout SECS] [--lifecycle-port NAME] [--jar JAR]");
          return 0;
        }
        if (!a.startsWith("--") || i + 1 >= args.length) {
          throw new IllegalArgumentException("bad argument " + a);
        }
        String v = args[++i];
        if (a.equals("--port")) {
          String[] nv = v.split(":", 2);
          ports.put(nv[0], Integer.parseInt(nv[1]));
        } else {
          opts.put(a.substring(2), v);
        }
      }
      if (!opts.containsKey("task-json")) {
        throw new IllegalArgumentException("--task-json is required");
      }
    } catch (RuntimeException e) {
      System.err.println("ExampleExecutor: " + e.getMessage());
      return 2;
    }
    Path root = opts.containsKey("root") ? Path.of(opts.get("root")) : TaskPath.defaultRoot();
    String id = opts.getOrDefault("task-id", TaskIds.defaultTaskId("task", LocalDateTime.now()));
    Path sandbox = opts.containsKey("sandbox") ? Path.of(opts.get("sandbox"))
        : root.resolve("sandbox").resolve(id);
    ThermosTaskRunnerBuilder b = ThermosTaskRunner.builder(Path.of(opts.get("task-json")), id,
        sandbox, root).ports(ports)
        .preemptionWait(seconds(opts.getOrDefault("preemption-wait", "5")))
        .stopTimeout(seconds(opts.getOrDefault("stop-timeout", "30")));
    if (opts.containsKey("jar")) {
      b.launcher(RunnerLauncher.defaults().withJar(Path.of(opts.get("jar"))));
    }
    Duration startTimeout = seconds(opts.getOrDefault("start-timeout", "60"));
    Duration stopTimeout = seconds(opts.getOrDefault("stop-timeout", "30"));
    try (ThermosTaskRunner runner = b.build()) {
      TaskLifecycle task = HttpLifecycleManager.wrap(runner, HttpLifecycleManager.Config
          .defaults().withPortName(opts.getOrDefault("lifecycle-port", "health")));
      return execute(task, id, startTimeout, stopTimeout);
    } catch (IllegalArgumentException e) {
      System.err.println("ExampleExecutor: " + e.getMessage());
      return 2;
    }
  }

  private int execute(TaskLifecycle task, String id, Duration startTimeout, Duration stopTimeout)
      throws InterruptedException {
    say("STARTING " + id);
    try {
      task.start(startTimeout);
    } catch (TaskError e) {
      say("FAILED Task initialization failed: " + e.getMessage());
      return 1;
    }
    KillManager kills = new KillManager();
    installStopTriggers(kills);
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
      try {
        Optional<TaskState> end = task.stop(stopTimeout);
        System.err.println("ExampleExecutor: task " + id + " stopped: "
            + end.map(Object::toString).orElse("nothing was launched"));
      } catch (TaskError e) {
        System.err.println("ExampleExecutor: stop failed: " + e.getMessage());
      }
      ExecutorState state = before.map(StatusResult::state).orElse(trigger.state());
      say(state + " " + trigger.reason());
      return state == ExecutorState.FINISHED ? 0 : 1;
    }
  }

  /** "stop" on stdin or SIGTERM kills the task, as an executor's killTask does. */
  private static void installStopTriggers(KillManager kills) {
    Thread stdin = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          if (line.strip().equals("stop")) {
            kills.kill("Stopped on request.");
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
      sun.misc.Signal.handle(new sun.misc.Signal("TERM"), s -> kills.kill("Killed by SIGTERM."));
    } catch (IllegalArgumentException e) {
      System.err.println("ExampleExecutor: cannot handle SIGTERM: " + e.getMessage());
    }
  }

  private static Duration seconds(String s) {
    return Duration.ofMillis(Math.round(Double.parseDouble(s) * 1000));
  }
}
