package thermos.ckpt.legacy;

import java.io.IOException;

/**
 * An import that would overwrite something different: the destination already holds another
 * task with the same id, or the source's own files contradict each other. Nothing was changed.
 */
public final class ImportConflictException extends IOException {
  public ImportConflictException(String message) {
    super(message);
  }
}
