package thermos.ckpt;

import java.io.IOException;
import java.nio.file.Path;

/** Opens a checkpoint log for reading, whatever its format. */
public final class CheckpointFiles {
  private CheckpointFiles() {}

  /** A record source over {@code log} from byte {@code offset}. */
  public static RecordSource open(Path log, long offset) throws IOException {
    return CheckpointReader.open(log, offset);
  }
}
