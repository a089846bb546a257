package thermos.ckpt;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A second JVM for the writer lock tests. {@code hold LOG}: open a writer, print "LOCKED", keep
 * it until standard input closes. {@code try LOG}: try to open a writer once; print "OPENED" and
 * exit 0, or print "REFUSED message" and exit 3.
 */
public final class LockHolderMain {
  public static final int REFUSED = 3;

  private LockHolderMain() {}

  public static void main(String[] args) throws IOException {
    Path log = Path.of(args[1]);
    switch (args[0]) {
      case "hold" -> {
        try (CheckpointWriter w = CheckpointWriter.open(log)) {
          System.out.println("LOCKED");
          System.out.flush();
          while (System.in.read() >= 0) {
            // hold the lock until the parent closes our stdin
          }
        }
        System.exit(0);
      }
      case "try" -> {
        try (CheckpointWriter w = CheckpointWriter.open(log)) {
          System.out.println("OPENED");
          System.exit(0);
        } catch (CheckpointLockedException e) {
          System.out.println("REFUSED " + e.getMessage());
          System.exit(REFUSED);
        }
      }
      default -> throw new IllegalArgumentException(args[0]);
    }
  }
}
