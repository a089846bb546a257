package thermos.ckpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thermos.proto.TaskState;

/**
 * One writer per log: a second one is refused at once, whether it is in this JVM or in another
 * process, and the lock goes away with its holder.
 */
class WriterLockTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir Path tmp;
  private final List<Process> children = new ArrayList<>();

  @AfterEach
  void killChildren() {
    children.forEach(Process::destroyForcibly);
  }

  @Test
  void aSecondWriterInThisJvmIsRefusedFast() throws IOException {
    Path log = tmp.resolve("runner");
    try (CheckpointWriter first = CheckpointWriter.open(log)) {
      first.append(Ckpts.task(TaskState.ACTIVE));
      CheckpointLockedException e = assertTimeoutPreemptively(DEADLINE,
          () -> assertThrows(CheckpointLockedException.class, () -> CheckpointWriter.open(log)));
      assertEquals(log, e.file());
      assertTrue(e.getMessage().contains("locked by another writer"), e.getMessage());
      first.append(Ckpts.header("t")); // the first writer is unharmed
    }
    try (CheckpointWriter again = CheckpointWriter.open(log)) {
      assertEquals(Files.size(log), again.size());
    }
  }

  @Test
  void theSameLogThroughAnotherPathIsRefusedAndTheHolderKeepsItsLock() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("real"));
    Path alias = Files.createSymbolicLink(tmp.resolve("alias"), dir);
    try (CheckpointWriter first = CheckpointWriter.open(dir.resolve("runner"))) {
      assertThrows(CheckpointLockedException.class,
          () -> CheckpointWriter.open(alias.resolve("runner")));
      // The refused attempt must not have released our lock: another process is still refused.
      Process p = java("try", dir.resolve("runner"));
      assertTrue(p.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS));
      assertEquals(LockHolderMain.REFUSED, p.exitValue(), output(p));
      first.append(Ckpts.task(TaskState.ACTIVE));
    }
  }

  @Test
  void aWriterInAnotherProcessRefusesUsAndReleasesOnExit() throws Exception {
    Path log = tmp.resolve("runner");
    Process holder = java("hold", log);
    BufferedReader out = new BufferedReader(
        new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
    String line = CompletableFuture.supplyAsync(() -> readLine(out))
        .get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    assertEquals("LOCKED", line, () -> "child said " + line);

    CheckpointLockedException e = assertTimeoutPreemptively(DEADLINE,
        () -> assertThrows(CheckpointLockedException.class, () -> CheckpointWriter.open(log)));
    assertEquals("pid " + holder.pid(), e.holder(), e.getMessage());

    holder.getOutputStream().close(); // tells it to let go
    assertTrue(holder.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS));
    assertEquals(0, holder.exitValue());
    try (CheckpointWriter w = CheckpointWriter.open(log)) {
      w.append(Ckpts.task(TaskState.ACTIVE));
    }
  }

  @Test
  void aKilledHolderLeavesNoLockBehind() throws Exception {
    Path log = tmp.resolve("runner");
    Process holder = java("hold", log);
    BufferedReader out = new BufferedReader(
        new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
    assertEquals("LOCKED", CompletableFuture.supplyAsync(() -> readLine(out))
        .get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
    holder.destroyForcibly();
    assertTrue(holder.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS));
    try (CheckpointWriter w = CheckpointWriter.open(log)) {
      assertEquals(0, w.size());
    }
  }

  @Test
  void anotherProcessIsRefusedWhileWeHoldTheLog() throws Exception {
    Path log = tmp.resolve("runner");
    try (CheckpointWriter w = CheckpointWriter.open(log)) {
      w.append(Ckpts.task(TaskState.ACTIVE));
      Process p = java("try", log);
      assertTrue(p.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), "refused, not blocked");
      String said = output(p);
      assertEquals(LockHolderMain.REFUSED, p.exitValue(), said);
      assertTrue(said.contains("pid " + ProcessHandle.current().pid()), said);
    }
    Process p = java("try", log);
    assertTrue(p.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), output(p));
  }

  @Test
  void theLockFileNamesItsHolder() throws IOException {
    Path log = tmp.resolve("runner");
    try (CheckpointWriter w = CheckpointWriter.open(log)) {
      Path lock = CheckpointWriter.lockFileOf(log);
      assertEquals(tmp.resolve("runner.lock"), lock);
      assertEquals("pid " + ProcessHandle.current().pid(), Files.readString(lock).trim());
      assertNotNull(w.file());
    }
  }

  private Process java(String mode, Path log) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        LockHolderMain.class.getName(), mode, log.toString())
        .redirectErrorStream(true).start();
    children.add(p);
    return p;
  }

  private static String output(Process p) throws IOException {
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
  }

  private static String readLine(BufferedReader r) {
    try {
      return r.readLine();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
