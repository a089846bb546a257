package thermos.executor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An AppCDS archive of the runner's classes, created on first use (JDK 17 has no
 * {@code -XX:+AutoCreateSharedArchive}): the first runner of a jar is started with
 * {@code -XX:ArchiveClassesAtExit} into a private temporary file, which is renamed into place
 * when it exits; later runners map the archive with {@code -XX:SharedArchiveFile}, which skips
 * most class loading and verification at start. The archive's name hashes the jar (path, size,
 * modification time) and the JVM, so a rebuilt jar or another JDK never uses a stale one; a JVM
 * that finds it unusable anyway just starts without it.
 */
final class AppCds {
  private static final Logger log = LoggerFactory.getLogger(AppCds.class);
  /** A dump marker older than this is from an executor that died mid-dump. */
  private static final Duration STALE_MARKER = Duration.ofMinutes(10);

  /** Extra JVM flags for one launch, and what to do once that runner has exited. */
  record Plan(List<String> flags, Runnable afterExit) {
    static final Plan NONE = new Plan(List.of(), () -> {});
  }

  private AppCds() {}

  static Plan plan(Path java, Path jar) {
    try {
      Path archive = archiveOf(java, jar);
      if (Files.isRegularFile(archive) && Files.size(archive) > 0) {
        return new Plan(List.of("-XX:SharedArchiveFile=" + archive), () -> {});
      }
      Path marker = archive.resolveSibling(archive.getFileName() + ".dumping");
      if (!claim(marker)) {
        return Plan.NONE; // another runner is creating it
      }
      Path tmp = archive.resolveSibling(archive.getFileName() + "." + UUID.randomUUID() + ".tmp");
      log.info("creating AppCDS archive {} with this runner", archive);
      return new Plan(List.of("-XX:ArchiveClassesAtExit=" + tmp), () -> commit(tmp, archive,
          marker));
    } catch (IOException | RuntimeException e) {
      log.debug("no AppCDS archive for {}: {}", jar, e.toString());
      return Plan.NONE;
    }
  }

  /** Where the archive of {@code jar} run by {@code java} lives (next to the jar if writable). */
  static Path archiveOf(Path java, Path jar) throws IOException {
    Path abs = jar.toAbsolutePath().normalize();
    String identity = String.join("\n", abs.toString(), Long.toString(Files.size(abs)),
        Long.toString(Files.getLastModifiedTime(abs).toMillis()), java.toString(),
        System.getProperty("java.vm.version", ""));
    String name = "thermos-cds-" + hash(identity) + ".jsa";
    Path dir = abs.getParent();
    if (dir == null || !Files.isWritable(dir)) {
      dir = Path.of(System.getProperty("java.io.tmpdir"),
          "thermos-cds-" + System.getProperty("user.name", "user"));
      Files.createDirectories(dir);
    }
    return dir.resolve(name);
  }

  private static boolean claim(Path marker) throws IOException {
    for (int attempt = 0; attempt < 2; attempt++) {
      try {
        Files.createFile(marker);
        return true;
      } catch (FileAlreadyExistsException e) {
        FileTime t;
        try {
          t = Files.getLastModifiedTime(marker);
        } catch (IOException gone) {
          continue;
        }
        if (t.toInstant().isAfter(Instant.now().minus(STALE_MARKER))) {
          return false;
        }
        Files.deleteIfExists(marker);
      }
    }
    return false;
  }

  private static void commit(Path tmp, Path archive, Path marker) {
    try {
      if (Files.isRegularFile(tmp) && Files.size(tmp) > 0) {
        Files.move(tmp, archive, StandardCopyOption.ATOMIC_MOVE);
        log.info("AppCDS archive {} created", archive);
      }
    } catch (IOException e) {
      log.debug("AppCDS archive {} not kept: {}", archive, e.toString());
    } finally {
      try {
        Files.deleteIfExists(tmp);
        Files.deleteIfExists(marker);
      } catch (IOException ignored) {
        // best effort
      }
    }
  }

  private static String hash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      return Integer.toHexString(s.hashCode());
    }
  }
}
