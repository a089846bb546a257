package thermos.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** KillManager, ChainedStatusChecker (Thermos' precedence) and StatusManager. */
class StatusCheckingTest {
  /** A checker that says what it is told and tells its listeners. */
  static final class Settable implements StatusChecker {
    private final List<Runnable> listeners = new ArrayList<>();
    volatile StatusResult result;
    int starts;
    int stops;

    void set(ExecutorState s, String reason) {
      result = s == null ? null : new StatusResult(s, reason);
      listeners.forEach(Runnable::run);
    }

    @Override
    public Optional<StatusResult> status() {
      return Optional.ofNullable(result);
    }

    @Override
    public synchronized void addListener(Runnable r) {
      listeners.add(r);
    }

    @Override
    public void startChecking() {
      starts++;
    }

    @Override
    public void stopChecking() {
      stops++;
    }
  }

  private static Optional<StatusResult> of(ExecutorState s, String reason) {
    return Optional.of(new StatusResult(s, reason));
  }

  @Test
  void killManagerSaysNothingUntilKilledThenKeepsTheFirstReason() {
    KillManager k = new KillManager();
    assertEquals(Optional.empty(), k.status());
    assertEquals("kill_manager", k.name());
    k.kill("shutdown requested");
    k.kill("second");
    assertEquals(of(ExecutorState.KILLED, "shutdown requested"), k.status());
    assertTrue(k.isKilled());
  }

  @Test
  void chainIsEmptyWhenEveryoneIsSilent() {
    assertEquals(Optional.empty(), ChainedStatusChecker.of(new Settable(), new Settable()).status());
    assertEquals(Optional.empty(), ChainedStatusChecker.of().status());
  }

  @Test
  void runningNeedsNoStartingAndSilenceCountsAsAgreement() {
    Settable a = new Settable();
    Settable b = new Settable();
    ChainedStatusChecker c = ChainedStatusChecker.of(a, b);
    b.set(ExecutorState.RUNNING, "healthy");
    assertEquals(of(ExecutorState.RUNNING, "healthy"), c.status());
    a.set(ExecutorState.STARTING, null);
    assertEquals(of(ExecutorState.STARTING, null), c.status(), "STARTING from anyone wins");
    a.set(ExecutorState.RUNNING, "first");
    assertEquals(of(ExecutorState.RUNNING, "first"), c.status(), "the first RUNNING");
  }

  @Test
  void theFirstTerminalStatusWinsAndIsKeptForever() {
    Settable a = new Settable();
    Settable b = new Settable();
    Settable c = new Settable();
    ChainedStatusChecker chain = ChainedStatusChecker.of(a, b, c);
    a.set(ExecutorState.STARTING, null);
    c.set(ExecutorState.FAILED, "unhealthy");
    b.set(ExecutorState.KILLED, "killed");
    assertEquals(of(ExecutorState.KILLED, "killed"), chain.status(), "checker order decides");
    b.set(null, null);
    a.set(ExecutorState.FINISHED, "done");
    assertEquals(of(ExecutorState.KILLED, "killed"), chain.status(), "latched");
  }

  @Test
  void terminalBeatsAnEarlierStarting() {
    Settable a = new Settable();
    Settable b = new Settable();
    a.set(ExecutorState.STARTING, null);
    b.set(ExecutorState.LOST, "gone");
    assertEquals(of(ExecutorState.LOST, "gone"), ChainedStatusChecker.of(a, b).status());
  }

  @Test
  void nestedChainsAndFanOut() {
    Settable runner = new Settable();
    Settable health = new Settable();
    KillManager kill = new KillManager();
    ChainedStatusChecker chain = ChainedStatusChecker.of(runner,
        ChainedStatusChecker.of(kill, health));
    health.set(ExecutorState.RUNNING, "ok");
    assertEquals(of(ExecutorState.RUNNING, "ok"), chain.status());
    kill.kill("stop");
    assertEquals(of(ExecutorState.KILLED, "stop"), chain.status());
    chain.startChecking();
    chain.stopChecking();
    assertEquals(1, health.starts);
    assertEquals(1, runner.stops);
  }

  @Test
  void aCheckerReturningNullIsAnError() {
    StatusChecker broken = () -> null;
    assertThrows(IllegalStateException.class, () -> ChainedStatusChecker.of(broken).status());
  }

  @Test
  void statusManagerReportsRunningOnceAndTerminalOnce() {
    Settable s = new Settable();
    List<StatusResult> running = new ArrayList<>();
    List<StatusResult> terminal = new ArrayList<>();
    StatusManager m = new StatusManager(s, running::add, terminal::add);
    assertFalse(m.check());
    s.set(ExecutorState.STARTING, null);
    assertFalse(m.check());
    s.set(ExecutorState.RUNNING, "ok");
    assertFalse(m.check());
    assertFalse(m.check());
    assertEquals(1, running.size());
    s.set(ExecutorState.FAILED, "unhealthy");
    assertTrue(m.check());
    s.set(ExecutorState.KILLED, "later");
    assertTrue(m.check());
    assertEquals(List.of(new StatusResult(ExecutorState.FAILED, "unhealthy")), terminal);
  }

  @Test
  void statusManagerIsWokenByItsCheckersNotByItsPoll() throws Exception {
    Settable s = new Settable();
    KillManager k = new KillManager();
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch over = new CountDownLatch(1);
    // A fallback poll far longer than the test may take: only wake-ups can make it pass.
    try (StatusManager m = new StatusManager(ChainedStatusChecker.of(k, s),
        r -> running.countDown(), r -> over.countDown(), Duration.ofHours(1))) {
      m.start();
      s.set(ExecutorState.RUNNING, "ok");
      assertTrue(running.await(30, TimeUnit.SECONDS));
      k.kill("stop now");
      assertTrue(over.await(30, TimeUnit.SECONDS));
      assertTrue(m.terminalReported());
    }
  }
}
