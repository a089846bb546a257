package thermos.runner.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies one output stream of a piped run (destination {@code both}, or mode {@code rotate}) to
 * its log file and/or the runner's console, until every writer of the pipe has closed it. The
 * exit record never waits for the pump (AURORA-1642): a grandchild holding the pipe only keeps
 * the pump going.
 */
final class LogPump implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(LogPump.class);

  /** Where the bytes go: a plain append-mode file or a rotating one. */
  interface Sink extends AutoCloseable {
    void write(byte[] data, int off, int len) throws IOException;

    @Override
    void close() throws IOException;

    static Sink of(OutputStream out) {
      return new Sink() {
        @Override
        public void write(byte[] data, int off, int len) throws IOException {
          out.write(data, off, len);
        }

        @Override
        public void close() throws IOException {
          out.close();
        }
      };
    }

    static Sink of(RotatingFile file) {
      return new Sink() {
        @Override
        public void write(byte[] data, int off, int len) throws IOException {
          file.write(data, off, len);
        }

        @Override
        public void close() throws IOException {
          file.close();
        }
      };
    }
  }

  private final InputStream in;
  private final Sink file;
  private final PrintStream console;
  private final String name;

  /**
   * @param file null for console only
   * @param console null for file only
   */
  LogPump(InputStream in, Sink file, PrintStream console, String name) {
    this.in = in;
    this.file = file;
    this.console = console;
    this.name = name;
  }

  /** Starts pumping on a daemon thread and returns it (join it to wait for the drain). */
  Thread start() {
    Thread t = new Thread(this, "log-pump-" + name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Override
  public void run() {
    byte[] buf = new byte[64 * 1024];
    try (in) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        if (file != null) {
          file.write(buf, 0, n);
        }
        if (console != null) {
          console.write(buf, 0, n);
          console.flush();
        }
      }
    } catch (IOException e) {
      log.warn("log pump {} stopped: {}", name, e.toString());
    } finally {
      if (file != null) {
        try {
          file.close();
        } catch (IOException e) {
          log.warn("closing log {}: {}", name, e.toString());
        }
      }
    }
  }
}
