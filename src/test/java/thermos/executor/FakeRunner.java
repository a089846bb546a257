package thermos.executor;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import thermos.runner.Termination;

/** A runner process in a {@link SimWorld}: alive until it dies; reacts to wake-ups as told. */
final class FakeRunner implements ForkedRunner {
  private final SimWorld world;
  private final long pid;
  private final CompletableFuture<Void> exit = new CompletableFuture<>();
  private volatile Termination termination;
  private volatile boolean booted;
  /** What the runner does when signalled (true = lose); default nothing. */
  Consumer<Boolean> onWake = lose -> {};
  /** What the runner does once it has booted (e.g. act on a pending kill request). */
  Runnable onBoot = () -> {};
  /** Runs (once) at the next liveness check, before it answers: a race made deterministic. */
  Runnable beforeNextLivenessCheck;
  /** Runs (once) when the runner is SIGKILLed, before it dies. */
  Runnable beforeDestroyed;
  /** Like ChildRunner: only an announced runner is signalled. */
  java.util.function.LongPredicate announced = pid -> true;
  int wakes;
  int destroys;

  FakeRunner(SimWorld world, long pid) {
    this.world = world;
    this.pid = pid;
  }

  @Override
  public long pid() {
    return pid;
  }

  @Override
  public boolean isAlive() {
    Runnable race = beforeNextLivenessCheck;
    if (race != null) {
      beforeNextLivenessCheck = null;
      race.run();
    }
    return termination == null;
  }

  @Override
  public boolean wake(boolean lose) {
    if (!isAlive() || !announced.test(pid)) {
      return false;
    }
    wakes++;
    onWake.accept(lose);
    return true;
  }

  @Override
  public CompletableFuture<?> onExit() {
    return exit;
  }

  @Override
  public boolean destroy() {
    destroys++;
    if (termination != null) {
      return false;
    }
    Runnable last = beforeDestroyed;
    if (last != null) {
      beforeDestroyed = null;
      last.run();
    }
    die(Termination.signalled(9));
    return true;
  }

  @Override
  public Optional<Termination> termination() {
    return Optional.ofNullable(termination);
  }

  void die(Termination t) {
    synchronized (world) {
      if (termination == null) {
        termination = t;
        exit.complete(null);
        world.notifyAll();
      }
    }
  }

  boolean booted() {
    return booted;
  }

  /**
   * The runner boots: announces itself, writes the header and the active sentinel (it has
   * started the task), then acts on a pending request as the real runner does.
   */
  void announce() {
    if (termination != null) {
      return;
    }
    booted = true;
    world.write(thermos.proto.TaskState.ACTIVE, (int) pid);
    onBoot.run();
  }

  /** The runner writes its first status, then hangs or dies before the header. */
  void announceWithoutHeader() {
    if (termination == null) {
      world.writeStatus(thermos.proto.TaskState.ACTIVE, (int) pid);
    }
  }
}
