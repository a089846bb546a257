package thermos.runner.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.common.FakeClock;
import thermos.runner.RunRef;
import thermos.runner.Signal;

/**
 * Who is a run's, and an orphan of the task, on a fake {@code /proc} (difference 7): the
 * coordinator's session, owned by the task's recorded uid (any uid when that is root), started
 * after the coordinator; a coordinator pid that now belongs to another process makes nothing
 * ours; zombies are dead; orphans carry the task's marker. And the end's kill passes.
 */
class RunScannerTest {
  @TempDir Path dir;

  private static final int USER = 1000;
  private static final double FORK = FakeProc.BOOT + 5000;
  private static final RunRef RUN = new RunRef("p", 0, 100, FORK, 101, FORK + 0.01);
  private static final String MARKER = LocalProcessPlatform.TASK_MARKER + "=task-1";

  private FakeProc proc;
  private final FakeClock clock = new FakeClock();

  @BeforeEach
  void setUp() throws Exception {
    proc = new FakeProc(dir.resolve("proc"));
  }

  /** The signals delivered, sorted (a scan meets processes in directory order). */
  private List<String> signals() {
    return proc.signals.stream().sorted().toList();
  }

  private RunScanner scanner(int ownerUid) {
    return new RunScanner(proc.table(), new Owner(ownerUid), "task-1", FORK - 60,
        proc.signaller(), clock, nanos -> clock.advance(Duration.ofNanos(nanos)));
  }

  /** The coordinator (session leader) and its user process, both the user's. */
  private void coordinatorAndUser() {
    proc.add(100, 100, USER, FORK);
    proc.add(101, 100, USER, FORK + 0.01);
  }

  @Test
  void aRunsProcessesAreItsSessionAndTheCoordinatorIsSparedWhenAsked() {
    coordinatorAndUser();
    proc.add(102, 100, USER, FORK + 1); // a background child
    proc.add(200, 200, USER, FORK + 1); // another session
    assertEquals(2, scanner(USER).signalRuns(List.of(RUN), Signal.TERM, false));
    assertEquals(List.of("101:TERM", "102:TERM"), signals());
    assertEquals(Set.of(RUN), scanner(USER).aliveRuns(List.of(RUN)), "the coordinator lives");
  }

  @Test
  void aProcessOfAnotherUidIsNotOurs() {
    coordinatorAndUser();
    proc.add(102, 100, USER + 1, FORK + 1);
    assertEquals(2, scanner(USER).signalRuns(List.of(RUN), Signal.KILL, true));
    assertEquals(List.of("100:KILL", "101:KILL"), signals());
  }

  @Test
  void theRecordedUidDecidesNotTheCallers() {
    // Root taking over a user's task: the owner is the uid the header recorded.
    coordinatorAndUser();
    assertEquals(2, scanner(USER).signalRuns(List.of(RUN), Signal.KILL, true));
    proc.signals.clear();
    coordinatorAndUser();
    assertEquals(0, scanner(USER + 7).signalRuns(List.of(RUN), Signal.KILL, true),
        "a task recorded for another user owns none of these");
    assertEquals(List.of(), signals());
  }

  @Test
  void aTakeoverAlsoOwnsWhatItLaunchedAsItself() {
    // Root took over a user's task and ran a finalizer (as root: users are not switched).
    proc.add(100, 100, 0, FORK);
    proc.add(101, 100, 0, FORK + 0.01);
    proc.add(102, 100, USER + 1, FORK + 1); // neither the task's user nor the taker's
    RunScanner takeover = new RunScanner(proc.table(), new Owner(USER, 0), "task-1", FORK - 60,
        proc.signaller(), clock, nanos -> clock.advance(Duration.ofNanos(nanos)));
    assertEquals(2, takeover.signalRuns(List.of(RUN), Signal.KILL, true));
    assertEquals(List.of("100:KILL", "101:KILL"), signals());
  }

  @Test
  void aTaskRecordedAsRootOwnsProcessesOfAnyUid() {
    proc.add(100, 100, 0, FORK);
    proc.add(101, 100, USER, FORK + 0.01); // root switched users for its process
    assertEquals(2, scanner(0).signalRuns(List.of(RUN), Signal.KILL, true));
  }

  @Test
  void aProcessWhoseUidCannotBeReadIsNotOurs() {
    coordinatorAndUser();
    proc.procs.get(101).noStatus();
    assertEquals(1, scanner(USER).signalRuns(List.of(RUN), Signal.KILL, true));
    assertEquals(List.of("100:KILL"), signals());
  }

  @Test
  void aReusedCoordinatorPidMakesNothingInItsSessionOurs() {
    // pid 100 now belongs to a process started an hour after the coordinator's fork.
    proc.add(100, 100, USER, FORK + 3600);
    proc.add(101, 100, USER, FORK + 3601);
    assertEquals(0, scanner(USER).signalRuns(List.of(RUN), Signal.KILL, true));
    assertEquals(Set.of(), scanner(USER).aliveRuns(List.of(RUN)));
    assertEquals(List.of(), signals());
  }

  @Test
  void aSessionMemberStartedBeforeTheCoordinatorIsNotTheRuns() {
    proc.add(101, 100, USER, FORK - 30); // coordinator gone, an older process in session 100
    assertEquals(0, scanner(USER).signalRuns(List.of(RUN), Signal.KILL, true));
  }

  @Test
  void zombiesAreDead() {
    proc.add(100, 100, USER, FORK).zombie();
    proc.add(101, 100, USER, FORK + 0.01).zombie();
    assertEquals(Set.of(), scanner(USER).aliveRuns(List.of(RUN)));
    assertEquals(0, scanner(USER).signalRuns(List.of(RUN), Signal.KILL, true));
  }

  @Test
  void theCoordinatorIsProvenByPidSessionStartAndUid() {
    proc.add(100, 100, USER, FORK + 9);
    ProcInfo c = proc.table().get(100).orElseThrow();
    assertTrue(scanner(USER).isCoordinatorOf(c, RUN), "within Thermos' 10 s of the fork");
    proc.procs.get(100).startedAt(FORK + 11);
    ProcInfo late = proc.table().get(100).orElseThrow();
    assertEquals(false, scanner(USER).isCoordinatorOf(late, RUN), "started too late");
    proc.procs.get(100).startedAt(FORK).session(99);
    assertEquals(false, scanner(USER).isCoordinatorOf(proc.table().get(100).orElseThrow(), RUN),
        "not a session leader");
    proc.procs.get(100).session(100);
    assertEquals(false,
        scanner(USER + 1).isCoordinatorOf(proc.table().get(100).orElseThrow(), RUN), "uid");
  }

  @Test
  void orphansCarryTheMarkerAndLiveOutsideTheLiveRuns() {
    coordinatorAndUser();
    proc.procs.get(101).env("PATH=/bin", MARKER);
    proc.add(300, 300, USER, FORK + 2).env(MARKER, "X=1"); // an escaped daemon
    proc.add(301, 301, USER, FORK + 2).env(LocalProcessPlatform.TASK_MARKER + "=task-2");
    proc.add(302, 302, USER + 1, FORK + 2).env(MARKER); // someone else's
    proc.add(303, 303, USER, FORK - 3600).env(MARKER); // older than the task: pid reuse
    proc.add(304, 304, USER, FORK + 2).env(MARKER).zombie();
    RunScanner s = scanner(USER);
    assertTrue(s.orphansAlive(List.of(RUN)));
    assertEquals(1, s.signalOrphans(List.of(RUN), Signal.TERM));
    assertEquals(List.of("300:TERM"), signals());
    proc.signals.clear();
    // Once its run is no longer live, the run's marked processes are orphans too.
    assertEquals(1, s.signalOrphans(List.of(), Signal.KILL));
    assertEquals(List.of("101:KILL"), signals());
  }

  @Test
  void theEndKillsAgainUntilAScanFindsNothingAlive() {
    coordinatorAndUser();
    // Each kill of the user process lands as it forks a child, which the pass missed.
    proc.procs.get(101).onKill = () -> proc.add(102, 100, USER, FORK + 1).onKill =
        () -> proc.add(103, 100, USER, FORK + 2);
    assertEquals(List.of(), scanner(USER).killUntilGone(List.of(RUN), 2_000_000_000L));
    assertEquals(List.of("100:KILL", "101:KILL", "102:KILL", "103:KILL"), signals());
    assertEquals(Set.of(), scanner(USER).aliveRuns(List.of(RUN)));
  }

  @Test
  void theEndAlsoKillsMarkedOrphans() {
    proc.add(300, 300, USER, FORK + 2).env(MARKER);
    assertEquals(List.of(), scanner(USER).killUntilGone(List.of(RUN), 2_000_000_000L));
    assertEquals(List.of("300:KILL"), signals());
  }

  @Test
  void theEndGivesUpAfterItsBoundAndSaysWhoIsLeft() {
    coordinatorAndUser();
    proc.procs.get(101).unkillable = true; // e.g. stuck in the kernel
    long start = clock.nanoTime();
    List<ProcInfo> left = scanner(USER).killUntilGone(List.of(RUN), 2_000_000_000L);
    assertEquals(List.of(101), left.stream().map(ProcInfo::pid).toList());
    long spent = clock.nanoTime() - start;
    assertTrue(spent >= 2_000_000_000L && spent < 2_100_000_000L, "bounded: " + spent);
  }

  @Test
  void cleaningsTermRoundReachesTheRunsAndTheOrphansInOnePass() {
    coordinatorAndUser();
    proc.add(102, 100, USER, FORK + 1); // a background child, in the session
    proc.add(300, 300, USER, FORK + 2).env(MARKER); // escaped its session
    assertEquals(3, scanner(USER).signalRunsAndOrphans(List.of(RUN), List.of(RUN), Signal.TERM,
        false));
    assertEquals(List.of("101:TERM", "102:TERM", "300:TERM"), signals(), "coordinator spared");
  }

  @Test
  void leftoversNameTheRunsStillAliveAndWhetherOrphansAre() {
    RunRef gone = new RunRef("q", 0, 400, FORK, 401, FORK + 0.01);
    coordinatorAndUser();
    proc.add(400, 400, USER, FORK).zombie(); // a finished run's coordinator, not reaped yet
    var left = scanner(USER).leftovers(List.of(RUN, gone), List.of());
    assertEquals(Set.of(RUN), left.aliveRuns());
    assertEquals(false, left.orphans());
    proc.add(300, 300, USER, FORK + 2).env(MARKER);
    assertTrue(scanner(USER).leftovers(List.of(), List.of()).orphans());
    proc.procs.get(300).zombie();
    assertTrue(scanner(USER).leftovers(List.of(), List.of()).none(), "zombies are dead");
  }
}
