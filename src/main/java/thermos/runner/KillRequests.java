package thermos.runner;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import thermos.proto.KillRequest;

/**
 * The durable kill/lose request next to a task's checkpoint ({@code checkpoints/ID/kill}): it
 * carries the grace period and survives a runner restart; a signal only wakes the runner.
 * Written atomically (temp file, fsync, rename).
 */
public final class KillRequests {
  private KillRequests() {}

  public static void write(Path file, KillRequest request) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp-" + ProcessHandle.current().pid());
    try (OutputStream out = Files.newOutputStream(tmp)) {
      request.writeTo(out);
    }
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** The pending request, if any; an unreadable file counts as none. */
  public static Optional<KillRequest> read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return Optional.of(KillRequest.parseFrom(in));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
