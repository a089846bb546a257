package thermos.runner.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.runner.Signal;

/** A signal reaches the very process that was examined, or nobody (difference 7). */
class ProcessSignallerTest {
  @TempDir Path dir;

  private static final double START = FakeProc.BOOT + 100;
  private FakeProc proc;
  private ProcInfo examined;

  @BeforeEach
  void setUp() throws Exception {
    proc = new FakeProc(dir.resolve("proc"));
    proc.add(42, 42, 1000, START);
    examined = proc.table().get(42).orElseThrow();
  }

  @Test
  void termAndKillReachTheExaminedProcess() {
    proc.procs.get(42).ignoresTerm = true;
    assertTrue(proc.signaller().send(examined, Signal.TERM));
    assertTrue(proc.signaller().send(examined, Signal.KILL));
    assertEquals(List.of("42:TERM", "42:KILL"), proc.signals);
  }

  @Test
  void aPidReusedSinceTheExaminationIsNotSignalled() {
    proc.procs.get(42).reusedAt(START + 5);
    assertFalse(proc.signaller().send(examined, Signal.KILL));
    assertEquals(List.of(), proc.signals);
  }

  @Test
  void aPidReusedWithinTheSameSecondIsNotSignalledEither() {
    proc.procs.get(42).reusedAt(START + 0.05); // five ticks later
    assertFalse(proc.signaller().send(examined, Signal.KILL));
    assertEquals(List.of(), proc.signals);
  }

  @Test
  void aPidReusedBetweenTheLookupAndTheSignalIsNotSignalled() {
    // The handle is pinned to the process found at lookup; this one is not the examined one.
    proc.onLookup = pid -> proc.procs.get(pid).reusedAt(START + 2);
    assertFalse(proc.signaller().send(examined, Signal.KILL));
    assertEquals(List.of(), proc.signals);
  }

  @Test
  void aProcessThatIsGoneIsNotSignalled() throws Exception {
    proc.remove(42);
    assertFalse(proc.signaller().send(examined, Signal.KILL));
  }
}
