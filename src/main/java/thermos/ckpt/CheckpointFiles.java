package thermos.ckpt;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import thermos.ckpt.legacy.LegacyCheckpointReader;
import thermos.ckpt.legacy.LegacyFormat;

/** Opens a checkpoint log for reading, whatever its format. */
public final class CheckpointFiles {
  private CheckpointFiles() {}

  /**
   * A record source over {@code log} from byte {@code offset}: a legacy Thermos log if its first
   * record says so ({@link LegacyFormat#isLegacy}), else ours (an empty log included). The format
   * is judged from the start of the file whatever the offset, on the channel the reader then uses.
   */
  public static RecordSource open(Path log, long offset) throws IOException {
    return open(log, offset, null);
  }

  /**
   * Like {@link #open(Path, long)}, but in {@code knownFormat} ({@link RecordSource#format()} of an
   * earlier reader of this log) without looking at the start of the file again; null = detect.
   */
  public static RecordSource open(Path log, long offset, String knownFormat) throws IOException {
    SeekableByteChannel channel = Files.newByteChannel(log, StandardOpenOption.READ);
    try {
      boolean legacy = knownFormat == null ? LegacyFormat.isLegacy(channel)
          : knownFormat.equals(LegacyFormat.NAME);
      if (legacy) {
        return LegacyCheckpointReader.over(channel, log, offset, true);
      }
      return CheckpointReader.adopt(channel, log, offset);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }
}
