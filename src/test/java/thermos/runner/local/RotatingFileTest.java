package thermos.runner.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RotatingFileTest {
  @TempDir Path dir;

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void rotatesAtTheLimitKeepingOnlyTheNewestBackups() throws Exception {
    Path base = dir.resolve("stdout");
    Files.writeString(base, "old content is truncated on open");
    try (RotatingFile f = new RotatingFile(base, 10, 2)) {
      byte[] data = bytes("aaaaaaaaaabbbbbbbbbbccccccccccdd");
      f.write(data, 0, data.length); // one chunk crossing three limits
    }
    assertEquals("dd", Files.readString(base));
    assertEquals("cccccccccc", Files.readString(dir.resolve("stdout.1")));
    assertEquals("bbbbbbbbbb", Files.readString(dir.resolve("stdout.2")));
    assertFalse(Files.exists(dir.resolve("stdout.3")), "oldest dropped");
  }

  @Test
  void smallWritesAccumulateUntilTheLimit() throws Exception {
    Path base = dir.resolve("stderr");
    try (RotatingFile f = new RotatingFile(base, 4, 5)) {
      for (char c : "abcdefghij".toCharArray()) {
        f.write(new byte[] {(byte) c}, 0, 1);
      }
    }
    assertEquals("ij", Files.readString(base));
    assertEquals("efgh", Files.readString(dir.resolve("stderr.1")));
    assertEquals("abcd", Files.readString(dir.resolve("stderr.2")));
  }
}
