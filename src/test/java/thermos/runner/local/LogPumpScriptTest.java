package thermos.runner.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log pump (SEMANTICS.md §1b.13) run as the coordinator runs it, with real bash and
 * coreutils: rotation naming and sizes, tee to the runner's stream, and a log that cannot be
 * written never blocking or killing the writer.
 */
@Tag("integration")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LogPumpScriptTest {
  @TempDir Path dir;

  /** A running pump: feed its stdin, then {@link #finish()}. */
  private static final class Pump {
    final Process process;
    final CompletableFuture<byte[]> stdout;

    /** @param capture read its stdout in the background (else the test reads it) */
    Pump(Process process, boolean capture) {
      this.process = process;
      this.stdout = !capture ? null : CompletableFuture.supplyAsync(() -> {
        try {
          return process.getInputStream().readAllBytes();
        } catch (IOException e) {
          return new byte[0];
        }
      });
    }

    Pump write(String s) throws IOException {
      return write(s.getBytes(StandardCharsets.UTF_8));
    }

    Pump write(byte[] data) throws IOException {
      OutputStream in = process.getOutputStream();
      in.write(data);
      in.flush();
      return this;
    }

    /** Closes the pipe (EOF), waits for the pump; returns what it wrote to its stdout. */
    String finish() throws Exception {
      process.getOutputStream().close();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail("the pump did not end at EOF");
      }
      assertEquals(0, process.exitValue(), "pump exit status");
      return new String(stdout.get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8);
    }
  }

  private static Pump start(LogPumpScript.Mode mode, Path file, long size, int backups)
      throws IOException {
    return start(mode, file, size, backups, true);
  }

  private static Pump start(LogPumpScript.Mode mode, Path file, long size, int backups,
      boolean capture) throws IOException {
    return new Pump(new ProcessBuilder("/bin/bash", "-c", LogPumpScript.SCRIPT,
        LogPumpScript.NAME, mode.arg(), file.toString(), Long.toString(size),
        Integer.toString(backups)).redirectError(ProcessBuilder.Redirect.DISCARD).start(),
        capture);
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file);
  }

  @Test
  void rotatesAtTheLimitKeepingOnlyTheNewestBackups() throws Exception {
    Path base = dir.resolve("stdout");
    Files.writeString(base, "old content is truncated on open");
    start(LogPumpScript.Mode.ROTATE, base, 10, 2)
        .write("aaaaaaaaaabbbbbbbbbbccccccccccdd") // one write crossing three limits
        .finish();
    assertEquals("dd", read(base));
    assertEquals("cccccccccc", read(dir.resolve("stdout.1")));
    assertEquals("bbbbbbbbbb", read(dir.resolve("stdout.2")));
    assertFalse(Files.exists(dir.resolve("stdout.3")), "oldest dropped");
  }

  @Test
  void smallWritesAccumulateUntilTheLimit() throws Exception {
    Path base = dir.resolve("stderr");
    Pump pump = start(LogPumpScript.Mode.ROTATE, base, 4, 5);
    for (char c : "abcdefghij".toCharArray()) {
      pump.write(String.valueOf(c));
    }
    pump.finish();
    assertEquals("ij", read(base));
    assertEquals("efgh", read(dir.resolve("stderr.1")));
    assertEquals("abcd", read(dir.resolve("stderr.2")));
    assertFalse(Files.exists(dir.resolve("stderr.3")));
  }

  @Test
  void endingExactlyAtTheLimitLeavesAFreshEmptyBase() throws Exception {
    Path base = dir.resolve("stdout");
    start(LogPumpScript.Mode.ROTATE, base, 5, 3).write("01234").write("56789").finish();
    assertEquals("", read(base));
    assertEquals("56789", read(dir.resolve("stdout.1")));
    assertEquals("01234", read(dir.resolve("stdout.2")));
  }

  @Test
  void aLargeStreamIsKeptWholeAndNoFileExceedsTheLogSize() throws Exception {
    Path base = dir.resolve("stdout");
    byte[] data = new byte[3 * 1024 * 1024 + 11];
    new Random(42).nextBytes(data);
    long size = 100_000;
    Pump pump = start(LogPumpScript.Mode.ROTATE, base, size, 100);
    for (int off = 0; off < data.length; off += 70_000) {
      pump.write(java.util.Arrays.copyOfRange(data, off, Math.min(data.length, off + 70_000)));
    }
    pump.finish();
    List<Path> files = new ArrayList<>();
    for (int i = 100; i >= 1; i--) {
      Path f = dir.resolve("stdout." + i);
      if (Files.exists(f)) {
        files.add(f);
      }
    }
    files.add(base);
    assertEquals(data.length / size + 1, files.size(), "one file per log_size bytes");
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (Path f : files) {
      byte[] content = Files.readAllBytes(f);
      if (!f.equals(base)) {
        assertEquals(size, content.length, f + " is a full file");
      }
      assertTrue(content.length <= size, f + " exceeds log_size");
      all.write(content);
    }
    assertArrayEquals(data, all.toByteArray(), "every byte once, in order");
  }

  @Test
  void teeAppendsToTheFileAndCopiesToItsStdout() throws Exception {
    Path file = dir.resolve("stdout");
    Files.writeString(file, "old\n");
    String out = start(LogPumpScript.Mode.TEE, file, 0, 0).write("new\n").write("more\n")
        .finish();
    assertEquals("new\nmore\n", out, "the runner's stream");
    assertEquals("old\nnew\nmore\n", read(file), "standard mode appends");
  }

  @Test
  void teeRotateCopiesToItsStdoutAndARotatingFile() throws Exception {
    Path base = dir.resolve("stdout");
    String out = start(LogPumpScript.Mode.TEE_ROTATE, base, 6, 1).write("line1\nline2\n")
        .write("end\n").finish();
    assertEquals("line1\nline2\nend\n", out);
    assertEquals("end\n", read(base));
    assertEquals("line2\n", read(dir.resolve("stdout.1")));
    assertFalse(Files.exists(dir.resolve("stdout.2")), "1 backup kept");
  }

  @Test
  void teeKeepsWritingTheFileAfterTheRunnersStreamBreaks() throws Exception {
    Path file = dir.resolve("stdout");
    Pump pump = start(LogPumpScript.Mode.TEE, file, 0, 0, false).write("before\n");
    assertEquals("before\n", new String(pump.process.getInputStream().readNBytes(7),
        StandardCharsets.UTF_8));
    pump.process.getInputStream().close(); // the runner's end of its stdout pipe is gone
    byte[] chunk = "after-the-runner-died\n".repeat(1000).getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < 20; i++) {
      pump.write(chunk); // far more than a pipe holds: the pump must keep reading
    }
    pump.process.getOutputStream().close();
    assertTrue(pump.process.waitFor(30, TimeUnit.SECONDS), "pump ended at EOF");
    assertEquals(7 + 20 * chunk.length, Files.size(file));
  }

  @Test
  void aLogThatCannotBeWrittenIsDrainedSoTheWriterNeverBlocks() throws Exception {
    for (LogPumpScript.Mode mode : LogPumpScript.Mode.values()) {
      Path file = dir.resolve("missing-" + mode.arg()).resolve("stdout");
      Pump pump = start(mode, file, 1000, 2);
      byte[] chunk = new byte[64 * 1024];
      for (int i = 0; i < 16; i++) {
        pump.write(chunk); // 1 MiB: blocks (test times out) if nobody reads
      }
      pump.finish();
      assertFalse(Files.exists(file), mode.arg());
    }
  }
}
