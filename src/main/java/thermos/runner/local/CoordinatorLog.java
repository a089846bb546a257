package thermos.runner.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a process's coordinator file incrementally: whole lines only (a line still being
 * written is left for the next read), malformed lines skipped with a warning.
 */
final class CoordinatorLog {
  private static final Logger log = LoggerFactory.getLogger(CoordinatorLog.class);

  /** One line: a run came up ({@code RUNNING pid}) or ended ({@code EXIT status}). */
  record Event(int run, boolean exit, int value, double time) {}

  private final Path file;
  private long offset;

  CoordinatorLog(Path file) {
    this.file = file;
  }

  /** The whole lines appended since the last call. */
  List<Event> readNew() {
    byte[] data;
    try (SeekableByteChannel ch = Files.newByteChannel(file)) {
      long size = ch.size();
      if (size <= offset) {
        return List.of();
      }
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size - offset, 1 << 20));
      ch.position(offset);
      while (buf.hasRemaining() && ch.read(buf) > 0) {
        // keep reading
      }
      data = new byte[buf.position()];
      buf.flip().get(data);
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      log.warn("cannot read {}: {}", file, e.toString());
      return List.of();
    }
    List<Event> events = new ArrayList<>();
    int lineStart = 0;
    for (int i = 0; i < data.length; i++) {
      if (data[i] == '\n') {
        String line = new String(data, lineStart, i - lineStart, StandardCharsets.UTF_8);
        Event e = parse(line);
        if (e != null) {
          events.add(e);
        }
        lineStart = i + 1;
      }
    }
    offset += lineStart;
    return events;
  }

  Event parse(String line) {
    String[] f = line.trim().split(" ");
    try {
      if (f.length == 4 && (f[1].equals("RUNNING") || f[1].equals("EXIT"))) {
        return new Event(Integer.parseInt(f[0]), f[1].equals("EXIT"), Integer.parseInt(f[2]),
            Double.parseDouble(f[3].replace(',', '.')));
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    log.warn("{}: ignoring malformed coordinator line '{}'", file, line);
    return null;
  }
}
