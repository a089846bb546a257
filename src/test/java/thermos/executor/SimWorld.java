package thermos.executor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import thermos.ckpt.States;
import thermos.common.FakeClock;
import thermos.proto.TaskState;

/**
 * A deterministic world for stop and start tests: a fake clock, a scripted checkpoint, a
 * durable-request file and a takeover. Time passes only inside {@link Checkpoint#await} and
 * {@link Takeover#takeOver}, which run the scheduled events in time order — so a stop is
 * replayed exactly, with no real waiting.
 */
final class SimWorld {
  final FakeClock clock = new FakeClock();
  private final PriorityQueue<Event> events = new PriorityQueue<>();
  private long seq;

  // The checkpoint.
  TaskState state;
  boolean header;
  Integer runnerPid;
  String problem;
  /** Bumped on every checkpoint write. */
  long version;

  /** Kill requests as written: (terminal, grace, time). */
  final List<Request> requests = new ArrayList<>();
  final Takeover takeover = new Takeover();
  final Checkpoint checkpoint = new Checkpoint();
  /** Every N-th await returns early without a change (0 = never). */
  int spuriousEvery;
  private int awaits;

  record Request(TaskState terminal, Duration grace, long atNanos) {}

  private record Event(long at, long seq, Runnable action) implements Comparable<Event> {
    @Override
    public int compareTo(Event o) {
      return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
    }
  }

  long now() {
    return clock.nanoTime();
  }

  /** Runs {@code action} at {@code at} (monotonic nanos; now if in the past). */
  void at(long at, Runnable action) {
    events.add(new Event(Math.max(at, now()), seq++, action));
  }

  void after(Duration d, Runnable action) {
    at(now() + d.toNanos(), action);
  }

  /** Writes a task status (and the header with the first one). */
  void write(TaskState s, Integer pid) {
    if (isTerminal() || problem != null) {
      return; // a terminal checkpoint never changes; nothing past corruption can be read
    }
    state = s;
    header = true;
    runnerPid = pid;
    version++;
  }

  void corrupt(String why) {
    problem = why;
    version++;
  }

  boolean isTerminal() {
    return state != null && States.isTerminal(state);
  }

  CheckpointSnapshot snapshot() {
    return new CheckpointSnapshot(state, header, runnerPid, problem);
  }

  /** Runs every event due by {@code until}, in order; the clock ends at {@code until}. */
  void runUntil(long until) {
    while (!events.isEmpty() && events.peek().at <= until) {
      Event e = events.poll();
      clock.advanceTo(e.at);
      e.action.run();
    }
    clock.advanceTo(until);
  }

  /** The scripted {@link CheckpointWatch}. */
  final class Checkpoint implements CheckpointWatch {
    boolean closed;

    @Override
    public CheckpointSnapshot read() {
      return snapshot();
    }

    @Override
    public void await(Duration timeout, CompletableFuture<?> wake) {
      if (wake.isDone()) {
        return;
      }
      long until = now() + Math.max(0, timeout.toNanos());
      if (spuriousEvery > 0 && ++awaits % spuriousEvery == 0) {
        return;
      }
      long v = version;
      while (!events.isEmpty() && events.peek().at <= until) {
        Event e = events.poll();
        clock.advanceTo(e.at);
        e.action.run();
        if (version != v || wake.isDone()) {
          return;
        }
      }
      clock.advanceTo(until);
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  KillRequester requester(Runnable onRequest) {
    return (terminal, grace) -> {
      requests.add(new Request(terminal, grace, now()));
      onRequest.run();
    };
  }

  /** The scripted {@link TaskTakeover}: costs {@link #cost}, fails with {@link #failure}. */
  final class Takeover implements TaskTakeover {
    Duration cost = Duration.ofMillis(50);
    String failure;
    /** Killed by the takeover (it SIGKILLs a live runner first). */
    FakeRunner runner;
    /** Processes ignore SIGTERM: a takeover with grace g takes g more. */
    boolean processesIgnoreTerm;
    int calls;
    int stragglerKills;
    Duration lastGrace;

    @Override
    public TaskState takeOver(TaskState terminal, Duration grace, long deadline)
        throws TaskError {
      calls++;
      lastGrace = grace;
      if (isTerminal()) {
        return state;
      }
      if (problem != null) {
        throw new TaskError("cannot take over: checkpoint unreadable (" + problem + ")");
      }
      if (runner != null && runner.isAlive()) {
        runner.die(thermos.runner.Termination.signalled(9));
      }
      Duration total = cost.plus(processesIgnoreTerm ? grace : Duration.ZERO);
      long end = now() + total.toNanos();
      if (end > deadline) {
        runUntil(deadline);
        throw new TaskError("did not stop within the deadline: the takeover is still running");
      }
      runUntil(end);
      if (failure != null) {
        throw new TaskError("cannot take over: " + failure);
      }
      if (isTerminal()) {
        return state;
      }
      if (problem != null) {
        throw new TaskError("cannot write the terminal state: " + problem);
      }
      write(terminal, 1);
      return state;
    }

    @Override
    public int killStragglers() {
      stragglerKills++;
      return 0;
    }
  }
}
