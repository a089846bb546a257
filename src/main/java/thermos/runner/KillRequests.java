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

  /**
   * Records {@code request}. If one is pending already, the file keeps what a live runner makes
   * of the two (a second request never extends a deadline nor changes the outcome): the first
   * request's terminal state and time, and the earlier of the two deadlines. So a restarted
   * runner, which only sees the file, acts as the runner that received both did.
   *
   * @return the request now in the file
   */
  public static KillRequest write(Path file, KillRequest request) throws IOException {
    KillRequest effective = read(file).map(pending -> merge(pending, request)).orElse(request);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp-" + ProcessHandle.current().pid());
    try (OutputStream out = Files.newOutputStream(tmp)) {
      effective.writeTo(out);
    }
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return effective;
  }

  /** {@code earlier} with its deadline moved forward to {@code later}'s if that is earlier. */
  static KillRequest merge(KillRequest earlier, KillRequest later) {
    if (!earlier.hasRequestedAtMs() || !earlier.hasGraceMs() || !later.hasRequestedAtMs()
        || !later.hasGraceMs()) {
      return later; // no deadlines to compare: the latest request is all we can go by
    }
    long deadline = Math.min(earlier.getRequestedAtMs() + earlier.getGraceMs(),
        later.getRequestedAtMs() + later.getGraceMs());
    return earlier.toBuilder()
        .setGraceMs(Math.max(0, deadline - earlier.getRequestedAtMs())).build();
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
