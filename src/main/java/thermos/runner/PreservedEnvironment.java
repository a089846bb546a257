package thermos.runner;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import thermos.ckpt.TaskPath;

/**
 * The environment of a {@code --preserve-env} task, kept for whoever takes it over (difference
 * 8) in {@code checkpoints/ID/environment}, readable by its owner only: it may hold secrets,
 * so it is never in the log. Format: {@code NAME=VALUE} entries each ended by a NUL byte, as in
 * {@code /proc/PID/environ}. Written atomically (mode 0600 from creation, fsync, rename).
 */
public final class PreservedEnvironment {
  static final String FILE = "environment";

  private PreservedEnvironment() {}

  public static Path fileOf(TaskPath paths, String taskId) {
    return paths.checkpointDir(taskId).resolve(FILE);
  }

  static void write(Path file, Map<String, String> environment) throws IOException {
    StringBuilder sb = new StringBuilder();
    new TreeMap<>(environment).forEach((k, v) -> sb.append(k).append('=').append(v).append('\0'));
    Path tmp = file.resolveSibling("." + FILE + ".tmp-" + ProcessHandle.current().pid());
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rw-------")));
    try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE)) {
      out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
    }
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** The recorded environment; IOException if there is none or it cannot be read. */
  static Map<String, String> read(Path file) throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    String text = Files.readString(file, StandardCharsets.UTF_8);
    for (String entry : text.split("\0")) {
      int eq = entry.indexOf('=');
      if (eq > 0) {
        env.put(entry.substring(0, eq), entry.substring(eq + 1));
      }
    }
    return env;
  }
}
