package thermos.ckpt.golden;

import static thermos.proto.TaskState.ACTIVE;
import static thermos.proto.TaskState.CLEANING;
import static thermos.proto.TaskState.FAILED;
import static thermos.proto.TaskState.FINALIZING;
import static thermos.proto.TaskState.KILLED;
import static thermos.proto.TaskState.LOST;
import static thermos.proto.TaskState.SUCCESS;

import java.util.List;
import thermos.proto.RunnerCkpt;

/**
 * The golden checkpoint logs under {@code testdata/ckpt}, as the records a runner would write
 * (SEMANTICS.md §1b.4: TaskStatus ACTIVE first, then the header, per-process seq + 1 per record
 * across runs). Regenerate the files with {@link GoldenLogs#main}.
 */
public final class Scenarios {
  /** One golden log: its directory name, what it shows, and its records in log order. */
  public record Scenario(String name, String summary, List<RunnerCkpt> records) {}

  private Scenarios() {}

  public static List<Scenario> all() {
    return List.of(success(), failureRetries(), launchFailure(), daemon(), activeRunning(),
        kill(), lose(), takeover(), headerLate(), lossRetries(), killDeadline(), helperKill());
  }

  /** Natural success: two sequential processes and a finalizer; every run WAITING..SUCCESS. */
  static Scenario success() {
    ScenarioBuilder b = new ScenarioBuilder("success").task(ACTIVE).header()
        .succeeds("setup", 4201, 4202)
        .succeeds("hello", 4203, 4204)
        .task(CLEANING).task(FINALIZING)
        .succeeds("teardown", 4205, 4206)
        .task(SUCCESS);
    return new Scenario("success", "natural success; W->F->R->SUCCESS for three processes",
        b.build());
  }

  /** Natural failure: RUNNING->FAILED with return codes, retried (max_failures 3), interleaved. */
  static Scenario failureRetries() {
    ScenarioBuilder b = new ScenarioBuilder("failure_retries").task(ACTIVE).header()
        .waiting("flaky").waiting("broken")
        .forked("flaky", 4301).forked("broken", 4302)
        .running("flaky", 4311).running("broken", 4312)
        .failed("flaky", 1).failed("broken", 2)
        .fails("flaky", 4303, 4313, 3)
        .fails("broken", 4304, 4314, 2)
        .succeeds("flaky", 4305, 4315)
        .fails("broken", 4306, 4316, 127)
        .task(CLEANING).task(FINALIZING).task(FAILED);
    return new Scenario("failure_retries",
        "natural failure; RUNNING->FAILED with return codes, three runs per process",
        b.build());
  }

  /** WAITING->FAILED (the runner could not launch it), then a retry that succeeds. */
  static Scenario launchFailure() {
    ScenarioBuilder b = new ScenarioBuilder("launch_failure").task(ACTIVE).header()
        .waiting("launcher").launchFailed("launcher")
        .succeeds("launcher", 4401, 4402)
        .task(CLEANING).task(FINALIZING).task(SUCCESS);
    return new Scenario("launch_failure", "WAITING->FAILED launch failure, then a successful retry",
        b.build());
  }

  /** A daemon restarted after each success; its fourth run is RUNNING; the task is ACTIVE. */
  static Scenario daemon() {
    ScenarioBuilder b = new ScenarioBuilder("daemon").task(ACTIVE).header("http", 31000)
        .succeeds("server", 4501, 4502)
        .succeeds("server", 4503, 4504)
        .succeeds("server", 4505, 4506)
        .waiting("server").forked("server", 4507).running("server", 4508);
    return new Scenario("daemon", "a daemon process with four runs, the last RUNNING", b.build());
  }

  /** A live task: ACTIVE with one process done and one RUNNING, ports in the header. */
  static Scenario activeRunning() {
    ScenarioBuilder b = new ScenarioBuilder("active_running").task(ACTIVE)
        .header("http", 31337, "admin", 31338, "health", 31339)
        .succeeds("install", 4601, 4602)
        .waiting("server").forked("server", 4603).running("server", 4604);
    return new Scenario("active_running", "task left ACTIVE with a RUNNING process; three ports",
        b.build());
  }

  /** Kill: ACTIVE, ACTIVE (the killer takes control), CLEANING, FINALIZING, KILLED. */
  static Scenario kill() {
    ScenarioBuilder b = new ScenarioBuilder("kill").task(ACTIVE).header("http", 31400)
        .waiting("web").forked("web", 4701).running("web", 4702)
        .waiting("sidecar").forked("sidecar", 4703)
        .runner(4800).task(ACTIVE).task(CLEANING)
        .killed("web", -15) // the coordinator saw its child die of SIGTERM
        .killed("sidecar", -1) // the runner's own kill of a process not yet running
        .task(FINALIZING)
        .succeeds("cleanup", 4801, 4802)
        .task(KILLED);
    return new Scenario("kill", "kill sequence; RUNNING->KILLED rc -15, FORKED->KILLED rc -1",
        b.build());
  }

  /** Lose: ACTIVE, ACTIVE, CLEANING, LOST, with processes lost while running and forked. */
  static Scenario lose() {
    ScenarioBuilder b = new ScenarioBuilder("lose").task(ACTIVE).header()
        .waiting("worker").forked("worker", 4901).running("worker", 4902)
        .waiting("starter").forked("starter", 4903)
        .runner(5000).task(ACTIVE).task(CLEANING)
        .lost("worker").lost("starter")
        .task(LOST);
    return new Scenario("lose", "lose sequence; RUNNING->LOST and FORKED->LOST", b.build());
  }

  /** A restarted runner takes over: a duplicate ACTIVE with a new runner pid, then success. */
  static Scenario takeover() {
    ScenarioBuilder b = new ScenarioBuilder("takeover").task(ACTIVE).header("http", 31500)
        .waiting("job").forked("job", 5101).running("job", 5102)
        .runner(5200).task(ACTIVE)
        .success("job")
        .succeeds("post", 5201, 5202)
        .task(CLEANING).task(FINALIZING).task(SUCCESS);
    return new Scenario("takeover", "duplicate ACTIVE from a new runner pid, then success",
        b.build());
  }

  /** The first runner died before its header: two statuses precede the header. */
  static Scenario headerLate() {
    ScenarioBuilder b = new ScenarioBuilder("header_late").task(ACTIVE)
        .runner(5300).task(ACTIVE).header()
        .succeeds("only", 5301, 5302)
        .task(CLEANING).task(FINALIZING).task(SUCCESS);
    return new Scenario("header_late", "TaskStatus records before the header (two runners)",
        b.build());
  }

  /**
   * Runs ended by a signal (KILLED, rc -9: an OOM kill) and by a lost coordinator are losses the
   * planner retries: KILLED->WAITING and LOST->WAITING, then a run that succeeds.
   */
  static Scenario lossRetries() {
    ScenarioBuilder b = new ScenarioBuilder("loss_retries").task(ACTIVE).header()
        .waiting("worker").forked("worker", 5401).running("worker", 5402).killed("worker", -9)
        .waiting("worker").forked("worker", 5403).running("worker", 5404).lost("worker")
        .succeeds("worker", 5405, 5406)
        .task(CLEANING).task(FINALIZING).task(SUCCESS);
    return new Scenario("loss_retries", "KILLED->WAITING and LOST->WAITING: a run killed by a "
        + "signal (rc -9) and a lost run are retried; the third run succeeds", b.build());
  }

  /**
   * A kill whose grace period ran out in CLEANING: CLEANING->KILLED directly (FINALIZING
   * skipped), then the runner's own kill of what is left (rc -1), after the terminal status.
   */
  static Scenario killDeadline() {
    ScenarioBuilder b = new ScenarioBuilder("kill_deadline").task(ACTIVE).header()
        .waiting("stubborn").forked("stubborn", 5501).running("stubborn", 5502)
        .runner(5600).task(ACTIVE).task(CLEANING)
        .task(KILLED)
        .killed("stubborn", -1);
    return new Scenario("kill_deadline", "kill past the deadline: CLEANING->KILLED directly, the "
        + "runner's KILLED (rc -1) after the terminal status", b.build());
  }

  /**
   * Thermos' CLI kill (TaskRunnerHelper.kill) of a task whose runner is gone: a duplicate ACTIVE
   * with the killer's pid, KILLED rc -9 for the running process, WAITING left as it is, and
   * ACTIVE->KILLED directly.
   */
  static Scenario helperKill() {
    ScenarioBuilder b = new ScenarioBuilder("helper_kill").task(ACTIVE).header("http", 31700)
        .waiting("server").forked("server", 5701).running("server", 5702)
        .waiting("client")
        .runner(5800).task(ACTIVE)
        .killed("server", -9)
        .task(KILLED);
    return new Scenario("helper_kill", "thermos kill helper: ACTIVE->KILLED directly, RUNNING->"
        + "KILLED rc -9, a process left WAITING", b.build());
  }

  /** The scenario named {@code name}. */
  public static Scenario named(String name) {
    return all().stream().filter(s -> s.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no scenario " + name));
  }
}
