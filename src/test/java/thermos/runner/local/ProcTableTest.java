package thermos.runner.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the process table: the real one for this JVM, and a fake one's fields. */
class ProcTableTest {
  @TempDir Path dir;

  @Test
  void thisJvmsStartAgreesWithTheJdksToWithinTheSignallersTolerance() {
    // ProcessSignaller matches a handle to an examined process by start time within
    // SAME_START_SECS: both must come from the same ticks.
    int self = (int) ProcessHandle.current().pid();
    ProcInfo me = new ProcTable().get(self).orElseThrow();
    double jdk = ProcessHandle.current().info().startInstant().orElseThrow().toEpochMilli()
        / 1000.0;
    assertTrue(Math.abs(jdk - me.startTime()) <= ProcessSignaller.SAME_START_SECS,
        "jdk " + jdk + " vs /proc " + me.startTime());
    assertTrue(me.isAlive());
    assertEquals(OptionalInt.of(ProcTable.currentUid()), new ProcTable().realUid(self));
  }

  @Test
  void aFakeTableReadsStatStatusAndEnviron() throws Exception {
    FakeProc proc = new FakeProc(dir.resolve("proc"));
    proc.add(5, 4, 1234, FakeProc.BOOT + 12.34).env("A=1", "THERMOS_TASK_ID=t");
    ProcTable t = proc.table();
    ProcInfo p = t.get(5).orElseThrow();
    assertEquals(4, p.session());
    assertEquals(1234, p.startTicks());
    assertEquals(FakeProc.BOOT + 12.34, p.startTime(), 1e-9);
    assertEquals(OptionalInt.of(1234), t.realUid(5));
    assertTrue(t.hasEnvironment(5, "THERMOS_TASK_ID", "t"));
    assertEquals(false, t.hasEnvironment(5, "THERMOS_TASK_ID", "u"));
    assertEquals(1, t.all().size());
    assertTrue(t.get(6).isEmpty());
  }

  @Test
  void statIsParsedAfterTheLastParenthesisWhateverTheCommandNameHolds() throws Exception {
    FakeProc proc = new FakeProc(dir.resolve("proc"));
    ProcTable t = proc.table();
    Path stat = Files.createDirectories(dir.resolve("proc").resolve("7")).resolve("stat");
    // A command name with spaces and parentheses, a negative tpgid, a newline at the end.
    Files.writeString(stat, "7 (a) b (c) R 3 5 6 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 4321"
        + " 12345 67 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n");
    ProcInfo p = t.get(7).orElseThrow();
    assertEquals(3, p.ppid());
    assertEquals(5, p.pgrp());
    assertEquals(6, p.session());
    assertEquals('R', p.state());
    assertEquals(4321, p.startTicks());
    // A stat line that is not one (truncated before the start time, or garbage) is no process.
    Files.writeString(stat, "7 (x) S 1 2 3 4");
    assertTrue(t.get(7).isEmpty());
    Files.writeString(stat, "garbage");
    assertTrue(t.get(7).isEmpty());
    // A command name so long the line does not fit the first read.
    Files.writeString(stat, "7 (" + "x".repeat(3000) + ") S 1 2 3 0 -1 0 0 0 0 0 0 0 0 0 20 0 1"
        + " 0 99 0 0\n");
    assertEquals(99, t.get(7).orElseThrow().startTicks());
  }

  @Test
  void theMarkerMatchesAWholeEnvironmentEntryOnly() throws Exception {
    FakeProc proc = new FakeProc(dir.resolve("proc"));
    proc.add(5, 4, 0, FakeProc.BOOT + 1).env("XTHERMOS_TASK_ID=t", "THERMOS_TASK_ID=tt",
        "THERMOS_TASK_ID=t2");
    proc.add(6, 4, 0, FakeProc.BOOT + 1).env("THERMOS_TASK_ID=t");
    ProcTable t = proc.table();
    assertEquals(false, t.hasEnvironment(5, "THERMOS_TASK_ID", "t"));
    assertTrue(t.hasEnvironment(5, "THERMOS_TASK_ID", "t2"));
    assertTrue(t.hasEnvironment(6, "THERMOS_TASK_ID", "t"));
  }
}
