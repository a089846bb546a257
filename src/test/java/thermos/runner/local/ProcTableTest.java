package thermos.runner.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
