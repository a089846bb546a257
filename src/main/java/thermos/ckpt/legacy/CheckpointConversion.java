package thermos.ckpt.legacy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import thermos.ckpt.CheckpointFiles;
import thermos.ckpt.CheckpointRecord;
import thermos.ckpt.CheckpointWriter;
import thermos.ckpt.RecordSource;
import thermos.ckpt.SyncPolicy;
import thermos.ckpt.TornTail;
import thermos.proto.RunnerHeader;

/**
 * A runner checkpoint (legacy or ours) rewritten in our format into a temporary file beside its
 * destination: every whole record, in order, CRC-framed and fsynced. The caller publishes or
 * discards the temporary file.
 *
 * @param temp the converted log (hidden, synced, with the source's mtime)
 * @param header the task's header, or null if the log has none
 */
record CheckpointConversion(Path temp, String sourceFormat, long records, TornTail tornTail,
    RunnerHeader header) {

  /**
   * Converts {@code source} for {@code dest}.
   *
   * @throws thermos.ckpt.CorruptCheckpointException if a record of the source is corrupt (no
   *     temporary file is left)
   */
  static CheckpointConversion convert(Path source, Path dest) throws IOException {
    Path temp = AtomicFiles.tempFor(dest);
    // Batched appends and one fsync at the end: durable before publishing, without a sync per
    // record for a file nobody can see yet.
    CheckpointWriter.Options options = CheckpointWriter.Options.defaults()
        .withSyncPolicy(SyncPolicy.BATCHED);
    try {
      long records = 0;
      RunnerHeader header = null;
      String format;
      TornTail torn;
      try (RecordSource in = CheckpointFiles.open(source, 0);
          CheckpointWriter out = CheckpointWriter.open(temp, options, r -> {})) {
        format = in.format();
        for (CheckpointRecord r = in.next(); r != null; r = in.next()) {
          out.append(r.ckpt());
          if (header == null && r.ckpt().hasRunnerHeader()) {
            header = r.ckpt().getRunnerHeader();
          }
          records++;
        }
        torn = in.tornTail();
        out.flush();
      } finally {
        AtomicFiles.deleteQuietly(CheckpointWriter.lockFileOf(temp));
      }
      Files.setLastModifiedTime(temp, Files.getLastModifiedTime(source));
      AtomicFiles.fsync(temp);
      return new CheckpointConversion(temp, format, records, torn, header);
    } catch (IOException | RuntimeException e) {
      AtomicFiles.deleteQuietly(temp);
      throw e;
    }
  }
}
