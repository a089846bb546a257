package thermos.executor;

import java.time.Duration;
import thermos.proto.TaskState;
import thermos.runner.Termination;

/**
 * A task and its runner in a {@link SimWorld}, with the runner's behaviour on a kill request
 * (it reads the request file, so it reacts to the request itself; the signal only wakes it).
 */
final class Scenario {
  enum Mode {
    /** Honours the kill: CLEANING, processes die, terminal state, exit 0. */
    OBEYS,
    /** Does nothing at all (hung, or deaf to requests). */
    IGNORES,
    /** Starts cleaning, then dies before writing a terminal state. */
    DIES_MIDWAY,
    /** Writes the terminal state but never exits. */
    HUNG_AFTER_TERMINAL,
    /** Honours the kill, but writes the terminal state {@code slowExtra} late. */
    SLOW
  }

  static final long RUNNER_PID = 4242;

  final SimWorld w = new SimWorld();
  final FakeRunner runner = new FakeRunner(w, RUNNER_PID);
  Mode mode = Mode.OBEYS;
  Duration react = Duration.ofMillis(3);
  /** Processes ignore SIGTERM: they die only at the SIGKILL, when the grace ends. */
  boolean ignoreTerm;
  Duration termDelay = Duration.ofMillis(10);
  Duration writeDelay = Duration.ofMillis(2);
  Duration exitDelay = Duration.ofMillis(15);
  Duration dieAfter = Duration.ofMillis(30);
  Termination deathBy = Termination.signalled(9);
  Duration slowExtra = Duration.ofSeconds(5);
  int kills;
  /** The runner does not watch its request file (no file events): only a signal wakes it. */
  boolean deafToFile;

  Scenario() {
    this(true);
  }

  /** @param announced the runner has already started the task */
  Scenario(boolean announced) {
    runner.onBoot = () -> {
      SimWorld.Request pending = w.lastRequest();
      if (pending != null) {
        respond(pending); // it reads the request file as it boots
      }
    };
    runner.onWake = lose -> {
      if (deafToFile) {
        respond(w.lastRequest());
      }
    };
    if (announced) {
      runner.announce();
    }
    w.takeover.runner = runner;
  }

  KillRequester requester() {
    return w.requester(this::onRequest);
  }

  TaskStopper stopper(StopBudget budget) {
    return new TaskStopper("t", w.checkpoint, requester(), w.takeover, w.clock, budget);
  }

  TaskStopper stopper() {
    return stopper(StopBudget.DEFAULT);
  }

  private void onRequest() {
    if (!runner.isAlive() || !runner.booted() || deafToFile) {
      return; // a runner that has not booted yet reads the request as it does
    }
    respond(w.lastRequest());
  }

  private void respond(SimWorld.Request req) {
    kills++;
    long t = w.now();
    switch (mode) {
      case IGNORES -> {
      }
      case DIES_MIDWAY -> {
        w.after(react, () -> cleaning());
        w.after(dieAfter, () -> runner.die(deathBy));
      }
      case OBEYS, HUNG_AFTER_TERMINAL, SLOW -> {
        w.after(react, () -> cleaning());
        long grace = req.grace().toNanos();
        long end = t + (ignoreTerm ? grace : Math.min(termDelay.toNanos(), grace));
        long write = end + writeDelay.toNanos() + (mode == Mode.SLOW ? slowExtra.toNanos() : 0);
        w.at(write, () -> {
          if (runner.isAlive()) {
            w.write(req.terminal(), (int) RUNNER_PID);
            if (mode != Mode.HUNG_AFTER_TERMINAL) {
              w.after(exitDelay, () -> runner.die(Termination.exited(0)));
            }
          }
        });
      }
      default -> throw new IllegalStateException();
    }
  }

  private void cleaning() {
    if (runner.isAlive() && w.state == TaskState.ACTIVE) {
      w.write(TaskState.CLEANING, (int) RUNNER_PID);
    }
  }
}
