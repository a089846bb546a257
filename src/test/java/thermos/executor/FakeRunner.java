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
  private Termination termination;
  /** What the runner does when signalled (true = lose); default nothing. */
  Consumer<Boolean> onWake = lose -> {};
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
    if (!isAlive()) {
      return false;
    }
    die(Termination.signalled(9));
    return true;
  }

  @Override
  public Optional<Termination> termination() {
    return Optional.ofNullable(termination);
  }

  void die(Termination t) {
    if (termination == null) {
      termination = t;
      exit.complete(null);
    }
  }

  /** The runner announces itself and writes the header (it has started the task). */
  void announce() {
    world.write(thermos.proto.TaskState.ACTIVE, (int) pid);
  }
}
