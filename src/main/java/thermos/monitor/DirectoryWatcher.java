package thermos.monitor;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.WatchEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * File-change notification for directories, shared by every monitor of a file system: one
 * {@link WatchService} (one inotify instance on Linux, of which a user gets only 128) and one
 * daemon thread per file system, fanning events out to listeners.
 */
public final class DirectoryWatcher {
  private static final Logger log = LoggerFactory.getLogger(DirectoryWatcher.class);
  private static final Map<FileSystem, DirectoryWatcher> WATCHERS = new ConcurrentHashMap<>();

  private final WatchService service;
  private final Map<WatchKey, List<Consumer<Path>>> listeners = new ConcurrentHashMap<>();

  private DirectoryWatcher(FileSystem fs) throws IOException {
    this.service = fs.newWatchService();
    Thread thread = new Thread(this::loop, "thermos-file-events");
    thread.setDaemon(true);
    thread.start();
  }

  /** The watcher of {@code fs}, started on first use. */
  public static DirectoryWatcher of(FileSystem fs) throws IOException {
    try {
      return WATCHERS.computeIfAbsent(fs, f -> {
        try {
          return new DirectoryWatcher(f);
        } catch (IOException e) {
          throw new WatcherUnavailable(e);
        }
      });
    } catch (WatcherUnavailable e) {
      throw (IOException) e.getCause();
    }
  }

  /** A watch of one directory; it stops working if the directory is deleted. */
  public interface Registration extends Closeable {
    /** False once the directory watched is gone (deleted, or replaced by another). */
    boolean valid();

    @Override
    void close();
  }

  /**
   * Closes every watcher (their threads end; registrations stop delivering events) — for a
   * process about to exit. A thread blocked in native code (the watch service's poll) makes the
   * JVM's exit wait about 300 ms for it (HotSpot's VM_Exit), so the runner calls this last.
   */
  public static void closeAll() {
    for (FileSystem fs : java.util.List.copyOf(WATCHERS.keySet())) {
      DirectoryWatcher w = WATCHERS.remove(fs);
      if (w != null) {
        try {
          w.service.close();
        } catch (IOException e) {
          log.debug("closing the watch service: {}", e.toString());
        }
      }
    }
  }

  /**
   * Calls {@code listener} (on the watcher thread) with the name of any entry of {@code dir} that
   * is created, modified or deleted — or with null when events were lost (overflow) — until the
   * returned registration is closed. Events are nudges: listeners re-read what they care about.
   * Once the directory is gone the registration turns {@link Registration#valid() invalid}.
   */
  public synchronized Registration watch(Path dir, Consumer<Path> listener) throws IOException {
    WatchKey key = dir.register(service, StandardWatchEventKinds.ENTRY_CREATE,
        StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
    listeners.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(listener);
    return new Registration() {
      @Override
      public boolean valid() {
        return key.isValid();
      }

      @Override
      public void close() {
        unwatch(key, listener);
      }
    };
  }

  private synchronized void unwatch(WatchKey key, Consumer<Path> listener) {
    List<Consumer<Path>> list = listeners.get(key);
    if (list == null) {
      return;
    }
    list.remove(listener);
    if (list.isEmpty()) {
      listeners.remove(key);
      key.cancel();
    }
  }

  private void loop() {
    while (true) {
      WatchKey key;
      try {
        key = service.take();
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      }
      List<Path> names = new ArrayList<>();
      for (WatchEvent<?> event : key.pollEvents()) {
        names.add(event.context() instanceof Path p ? p : null);
      }
      boolean gone = !key.reset();
      if (gone) {
        names.add(null); // the directory is gone: tell listeners, so they watch something else
      }
      List<Consumer<Path>> list = gone ? listeners.remove(key) : listeners.get(key);
      if (list != null) {
        for (Path name : names) {
          for (Consumer<Path> l : list) {
            try {
              l.accept(name);
            } catch (RuntimeException e) {
              log.warn("file event listener failed", e);
            }
          }
        }
      }
    }
  }

  private static final class WatcherUnavailable extends RuntimeException {
    WatcherUnavailable(IOException cause) {
      super(cause);
    }
  }
}
