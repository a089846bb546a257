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
 *
 * <p>Tests with a second thread (a start() that a stop races) name a {@link #driver}: only it
 * moves time; any other thread's await waits for the driver to change the world. Every access
 * is synchronized on the world.
 */
final class SimWorld {
  final FakeClock clock = new FakeClock();
  private final PriorityQueue<Event> events = new PriorityQueue<>();
  private long seq;

  /** When set, only this thread moves time (see the class comment). */
  volatile Thread driver;

  // The checkpoint.
  TaskState state;
  boolean header;
  Integer runnerPid;
  String problem;
  /** The active sentinel: the runner writes it after the header, before any launch. */
  boolean sentinel;
  /** Damage to records already read: only a fresh read (reread) sees it. */
  String damage;
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
  synchronized void at(long at, Runnable action) {
    events.add(new Event(Math.max(at, now()), seq++, action));
  }

  void after(Duration d, Runnable action) {
    at(now() + d.toNanos(), action);
  }

  /** Writes a task status (and the header and the active sentinel with the first one). */
  synchronized void write(TaskState s, Integer pid) {
    if (writeStatus(s, pid)) {
      header = true;
      sentinel = true;
    }
  }

  /** Writes a task status only: a runner that dies before its header. */
  synchronized boolean writeStatus(TaskState s, Integer pid) {
    if (isTerminal() || problem != null) {
      return false; // a terminal checkpoint never changes; nothing past corruption can be read
    }
    state = s;
    runnerPid = pid;
    version++;
    notifyAll();
    return true;
  }

  synchronized void corrupt(String why) {
    problem = why;
    version++;
    notifyAll();
  }

  synchronized boolean isTerminal() {
    return state != null && States.isTerminal(state);
  }

  /** Nothing at all: no log, no sentinel (never written, or discarded). */
  synchronized boolean isEmpty() {
    return state == null && !header && !sentinel && problem == null;
  }

  synchronized CheckpointSnapshot snapshot() {
    return new CheckpointSnapshot(state, header, runnerPid, problem);
  }

  /** Runs every event due by {@code until}, in order; the clock ends at {@code until}. */
  synchronized void runUntil(long until) {
    while (!events.isEmpty() && events.peek().at <= until) {
      Event e = events.poll();
      clock.advanceTo(e.at);
      e.action.run();
      notifyAll();
    }
    clock.advanceTo(until);
    notifyAll();
  }

  /**
   * Waits (really, bounded) until {@code t} is parked with a timeout inside a method named
   * {@code in} — a stop waiting for the fork ({@code awaitFork}), a start waiting for the driver
   * ({@code awaitDriver}) — or, if {@code orDone}, has ended. The method matters: a thread is
   * parked with a timeout in many places (a latch it has not yet left, say), and only the one
   * named is the moment the test means.
   */
  static void awaitParked(Thread t, boolean orDone, String in) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!(orDone && t.getState() == Thread.State.TERMINATED) && !parkedIn(t, in)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(t.getName() + " never waited in " + in + ": " + t.getState()
            + " " + java.util.Arrays.toString(t.getStackTrace()));
      }
      java.util.concurrent.locks.LockSupport.parkNanos(50_000);
    }
  }

  private static boolean parkedIn(Thread t, String method) {
    if (t.getState() != Thread.State.TIMED_WAITING) {
      return false;
    }
    for (StackTraceElement e : t.getStackTrace()) {
      if (e.getMethodName().equals(method)) {
        return t.getState() == Thread.State.TIMED_WAITING; // still there after the look
      }
    }
    return false;
  }

  /** Not the driver: waits (really) until the driver changes the world or moves time. */
  private void awaitDriver(long until, CompletableFuture<?> wake) throws InterruptedException {
    long v = version;
    long realDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (version == v && !wake.isDone() && now() < until) {
      if (System.nanoTime() > realDeadline) {
        throw new IllegalStateException("the driver did not move the world for 30 s");
      }
      wait(100);
    }
  }

  /** The scripted {@link CheckpointWatch}. */
  final class Checkpoint implements CheckpointWatch {
    boolean closed;
    int rereads;

    @Override
    public CheckpointSnapshot read() {
      return snapshot();
    }

    /** What read() sees, unless records it has applied were damaged since ({@link #damage}). */
    @Override
    public CheckpointSnapshot reread() {
      synchronized (SimWorld.this) {
        rereads++;
        return damage != null ? new CheckpointSnapshot(null, false, null, damage) : snapshot();
      }
    }

    @Override
    public void await(Duration timeout, CompletableFuture<?> wake) throws InterruptedException {
      synchronized (SimWorld.this) {
        if (wake.isDone()) {
          return;
        }
        long until = now() + Math.max(0, timeout.toNanos());
        Thread d = driver;
        if (d != null && d != Thread.currentThread()) {
          awaitDriver(until, wake);
          return;
        }
        if (spuriousEvery > 0 && ++awaits % spuriousEvery == 0) {
          return;
        }
        long v = version;
        try {
          while (!events.isEmpty() && events.peek().at <= until) {
            Event e = events.poll();
            clock.advanceTo(e.at);
            e.action.run();
            if (version != v || wake.isDone()) {
              return;
            }
          }
          clock.advanceTo(until);
        } finally {
          SimWorld.this.notifyAll();
        }
      }
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  KillRequester requester(Runnable onRequest) {
    return (terminal, grace) -> {
      synchronized (this) {
        requests.add(new Request(terminal, grace, now()));
        onRequest.run();
      }
    };
  }

  synchronized Request lastRequest() {
    return requests.isEmpty() ? null : requests.get(requests.size() - 1);
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
    int discards;
    Duration lastGrace;

    @Override
    public TaskState takeOver(TaskState terminal, Duration grace, long deadline)
        throws TaskError {
      synchronized (SimWorld.this) {
        return takeOverNow(terminal, grace, deadline);
      }
    }

    private TaskState takeOverNow(TaskState terminal, Duration grace, long deadline)
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

    @Override
    public boolean discardUnlaunched() {
      synchronized (SimWorld.this) {
        if (sentinel) {
          return false;
        }
        discards++;
        state = null;
        header = false;
        runnerPid = null;
        problem = null;
        version++;
        SimWorld.this.notifyAll();
        return true;
      }
    }
  }
}
