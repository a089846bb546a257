package thermos.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import thermos.proto.TaskState;
import thermos.runner.Termination;

/** {@link TaskStopper} on a fake clock, a fake runner and scripted checkpoints. */
class TaskStopperTest {
  private static final Duration G = Duration.ofSeconds(5);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final Scenario sc = new Scenario();
  private final SimWorld w = sc.w;

  private TaskStopper.Result stop(Duration grace, Duration timeout) throws Exception {
    return sc.stopper().stop(TaskState.KILLED, grace, sc.runner, timeout);
  }

  private long elapsedMs(long start) {
    return (w.now() - start) / 1_000_000;
  }

  @Test
  void runnerExitsCleanly() throws Exception {
    long start = w.now();
    TaskStopper.Result r = stop(G, TIMEOUT);
    assertEquals(new TaskStopper.Result(TaskState.KILLED, false), r);
    assertEquals(12, elapsedMs(start), "TERM obeyed after 10 ms, terminal written 2 ms later");
    assertEquals(1, w.requests.size());
    assertEquals(G, w.requests.get(0).grace());
    assertEquals(0, sc.runner.wakes, "it acted on the request file: no signal needed");
    assertEquals(0, w.takeover.calls);
  }

  @Test
  void aRunnerThatDoesNotReactToTheRequestFileIsSignalled() throws Exception {
    // No file events reach it (say, a file system without them): the signal is the fallback,
    // sent once the runner's stage has not moved for WAKE_AFTER.
    sc.deafToFile = true;
    long start = w.now();
    TaskStopper.Result r = stop(G, TIMEOUT);
    assertEquals(new TaskStopper.Result(TaskState.KILLED, false), r);
    assertEquals(1, sc.runner.wakes);
    assertEquals(TaskStopper.WAKE_AFTER.toMillis() + 12, elapsedMs(start),
        "signalled after WAKE_AFTER; TERM obeyed 10 ms later, terminal 2 ms after that");
  }

  @Test
  void taskTerminalWhileRunnerStillAlive() throws Exception {
    // The task ends on its own (SUCCESS) while the stop waits; the runner has not exited yet.
    sc.mode = Scenario.Mode.IGNORES;
    w.after(Duration.ofMillis(300), () -> w.write(TaskState.SUCCESS, 4242));
    long start = w.now();
    TaskStopper.Result r = stop(G, TIMEOUT);
    assertEquals(new TaskStopper.Result(TaskState.SUCCESS, false), r);
    assertEquals(300, elapsedMs(start));
    assertTrue(sc.runner.isAlive());
  }

  @Test
  void runnerDiesBeforeWritingTerminal() throws Exception {
    sc.mode = Scenario.Mode.DIES_MIDWAY;
    sc.dieAfter = Duration.ofMillis(40);
    long start = w.now();
    TaskStopper.Result r = stop(G, TIMEOUT);
    assertEquals(new TaskStopper.Result(TaskState.KILLED, true), r);
    assertEquals(1, w.takeover.calls);
    // Taken over as soon as the runner died, with the grace that was left.
    assertEquals(Duration.ofMillis(5000 - 40), w.takeover.lastGrace);
    assertEquals(40 + 50, elapsedMs(start));
  }

  @Test
  void runnerIgnoresTheKill() throws Exception {
    sc.mode = Scenario.Mode.IGNORES;
    long start = w.now();
    TaskStopper.Result r = stop(G, TIMEOUT);
    assertEquals(new TaskStopper.Result(TaskState.KILLED, true), r);
    // Waited g + runner slack, then took over (killing the runner) with no grace left.
    assertEquals(Duration.ZERO, w.takeover.lastGrace);
    assertFalse(sc.runner.isAlive());
    assertEquals(5000 + 1000 + 50, elapsedMs(start));
    assertTrue(elapsedMs(start) < TIMEOUT.toMillis());
  }

  @Test
  void aProcessIgnoresSigterm() throws Exception {
    sc.ignoreTerm = true;
    Duration grace = Duration.ofSeconds(1);
    long start = w.now();
    TaskStopper.Result r = stop(grace, Duration.ofSeconds(5));
    assertEquals(new TaskStopper.Result(TaskState.KILLED, false), r);
    assertEquals(1000 + 2, elapsedMs(start), "SIGKILL at the grace, terminal 2 ms later");
  }

  @Test
  void checkpointAlreadyTerminalWithTheRunnerAliveReturnsAtOnce() throws Exception {
    w.write(TaskState.KILLED, 4242);
    long start = w.now();
    TaskStopper.Result r = stop(G, TIMEOUT);
    assertEquals(new TaskStopper.Result(TaskState.KILLED, false), r);
    assertEquals(0, elapsedMs(start));
    assertEquals(0, w.requests.size(), "no kill for a task that is over");
    assertEquals(0, sc.runner.wakes);
    assertTrue(sc.runner.isAlive(), "liveness decides nothing");
  }

  @Test
  void checkpointTerminalButRunnerHung() throws Exception {
    // The stop's kill makes the runner write KILLED, and then it never exits.
    sc.mode = Scenario.Mode.HUNG_AFTER_TERMINAL;
    long start = w.now();
    TaskStopper.Result r = stop(G, TIMEOUT);
    assertEquals(new TaskStopper.Result(TaskState.KILLED, false), r);
    assertEquals(12, elapsedMs(start), "returns as the terminal status is written, not at g");
    assertTrue(sc.runner.isAlive(), "a hung runner does not hold the stop up");
    assertEquals(0, w.takeover.calls);
    assertEquals(0, sc.runner.destroys);
  }

  @Test
  void runnerThatFinishesJustBeforeTheLivenessCheckIsNotTakenOver() throws Exception {
    sc.mode = Scenario.Mode.IGNORES;
    // Right after the wake-up, and before the stopper next asks whether it lives, the runner
    // writes KILLED and exits: the stopper must see the record, not a dead runner to replace.
    sc.runner.onWake = lose -> sc.runner.beforeNextLivenessCheck = () -> {
      w.write(TaskState.KILLED, 4242);
      sc.runner.die(Termination.exited(0));
    };
    TaskStopper.Result r = stop(G, TIMEOUT);
    assertEquals(new TaskStopper.Result(TaskState.KILLED, false), r);
    assertEquals(0, w.takeover.calls);
  }

  @Test
  void damageToARecordAlreadyReadIsFoundBeforeATerminalStateIsReported() {
    w.damage = "corrupt checkpoint /r/checkpoints/t/runner at byte offset 8: CRC mismatch";
    TaskError e = assertThrows(TaskError.class, () -> stop(G, TIMEOUT));
    assertTrue(e.getMessage().contains("unreadable (corrupt checkpoint /r/checkpoints/t/runner at"
        + " byte offset 8: CRC mismatch)"), e.getMessage());
    assertEquals(TaskState.KILLED, w.state, "the runner did kill the task");
    assertEquals(1, w.takeover.stragglerKills, "and nothing is left");
  }

  @Test
  void runnerTooSlowIsTakenOver() throws Exception {
    sc.mode = Scenario.Mode.SLOW;
    sc.slowExtra = Duration.ofSeconds(10);
    long start = w.now();
    TaskStopper.Result r = stop(G, TIMEOUT);
    assertEquals(new TaskStopper.Result(TaskState.KILLED, true), r);
    assertTrue(elapsedMs(start) <= TIMEOUT.toMillis());
  }

  @Test
  void runnerAlreadyDeadIsTakenOverWithTheWholeGrace() throws Exception {
    sc.runner.die(Termination.signalled(9));
    long start = w.now();
    TaskStopper.Result r = stop(G, TIMEOUT);
    assertEquals(new TaskStopper.Result(TaskState.KILLED, true), r);
    assertEquals(G, w.takeover.lastGrace);
    assertEquals(0, sc.runner.wakes);
    assertEquals(50, elapsedMs(start));
  }

  @Test
  void stopTwice() throws Exception {
    assertEquals(TaskState.KILLED, stop(G, TIMEOUT).state());
    long start = w.now();
    assertEquals(new TaskStopper.Result(TaskState.KILLED, false), stop(G, TIMEOUT));
    assertEquals(0, elapsedMs(start));
    assertEquals(1, w.requests.size());
  }

  @Test
  void loseRecordsLost() throws Exception {
    TaskStopper.Result r = sc.stopper().stop(TaskState.LOST, Duration.ZERO, sc.runner, TIMEOUT);
    assertEquals(new TaskStopper.Result(TaskState.LOST, false), r);
    assertEquals(TaskState.LOST, w.requests.get(0).terminal());
  }

  @Test
  void timeoutSmallerThanGracePlusSlackClampsTheGrace() throws Exception {
    sc.ignoreTerm = true;
    long start = w.now();
    // g = 60 s and timeout = 60 s: the seed's race. The grace is clamped to 60 - 2 s - 1 ms.
    TaskStopper.Result r = stop(Duration.ofSeconds(60), Duration.ofSeconds(60));
    assertEquals(new TaskStopper.Result(TaskState.KILLED, false), r);
    assertEquals(Duration.ofMillis(57_999), w.requests.get(0).grace());
    assertTrue(elapsedMs(start) < 60_000);
  }

  @Test
  void clampedStopStillTakesOverInTime() throws Exception {
    sc.mode = Scenario.Mode.IGNORES;
    long start = w.now();
    TaskStopper.Result r = stop(Duration.ofSeconds(60), Duration.ofSeconds(60));
    assertEquals(new TaskStopper.Result(TaskState.KILLED, true), r);
    assertTrue(elapsedMs(start) < 60_000);
  }

  @Test
  void timeoutNotExceedingTheSlackIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> stop(G, Duration.ofSeconds(2)));
    assertTrue(e.getMessage().contains("must exceed the stop slack"), e.getMessage());
    assertEquals(0, w.requests.size(), "nothing done");
  }

  @Test
  void takeoverThatCannotFinishRaisesWithTheReason() {
    sc.mode = Scenario.Mode.IGNORES;
    w.takeover.failure = "the runner would not die";
    long start = w.now();
    TaskError e = assertThrows(TaskError.class, () -> stop(G, TIMEOUT));
    assertTrue(e.getMessage().contains("the runner would not die"), e.getMessage());
    assertTrue(elapsedMs(start) <= TIMEOUT.toMillis());
  }

  @Test
  void takeoverTooSlowRaisesAtTheDeadline() {
    sc.mode = Scenario.Mode.IGNORES;
    w.takeover.cost = Duration.ofSeconds(30);
    long start = w.now();
    TaskError e = assertThrows(TaskError.class, () -> stop(G, TIMEOUT));
    assertTrue(e.getMessage().contains("deadline"), e.getMessage());
    assertEquals(TIMEOUT.toMillis(), elapsedMs(start));
  }

  @Test
  void corruptCheckpointRaisesAndLeavesNothingBehind() {
    sc.mode = Scenario.Mode.IGNORES;
    w.corrupt("CRC mismatch at offset 120");
    TaskError e = assertThrows(TaskError.class, () -> stop(G, TIMEOUT));
    assertTrue(e.getMessage().contains("CRC mismatch at offset 120"), e.getMessage());
    assertFalse(sc.runner.isAlive(), "the hung runner was killed");
    assertEquals(1, w.takeover.stragglerKills);
  }

  @Test
  void corruptCheckpointStillLetsTheRunnerKill() {
    w.corrupt("bad length at offset 7");
    long start = w.now();
    TaskError e = assertThrows(TaskError.class, () -> stop(G, TIMEOUT));
    assertTrue(e.getMessage().contains("unreadable"), e.getMessage());
    assertEquals(12 + 15, elapsedMs(start), "waited for the runner to finish and exit");
    assertEquals(0, sc.runner.destroys);
  }

  @Test
  void spuriousWakeupsChangeNothing() throws Exception {
    w.spuriousEvery = 2;
    sc.ignoreTerm = true;
    long start = w.now();
    assertEquals(new TaskStopper.Result(TaskState.KILLED, false), stop(G, TIMEOUT));
    assertEquals(5002, elapsedMs(start));
  }
}
