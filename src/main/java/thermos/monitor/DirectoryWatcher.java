package thermos.monitor;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * File-change notification for directories, shared by every monitor of a file system: one
 * {@link WatchService} (one inotify instance on Linux, of which a user gets only 128) and one
 * daemon thread per file system, fanning events out to listeners.
 */
final class DirectoryWatcher {
  private static final Logger log = LoggerFactory.getLogger(DirectoryWatcher.class);
  private static final Map<FileSystem, DirectoryWatcher> WATCHERS = new ConcurrentHashMap<>();

  private final WatchService service;
  private final Map<WatchKey, List<Runnable>> listeners = new ConcurrentHashMap<>();

  private DirectoryWatcher(FileSystem fs) throws IOException {
    this.service = fs.newWatchService();
    Thread thread = new Thread(this::loop, "thermos-file-events");
    thread.setDaemon(true);
    thread.start();
  }

  /** The watcher of {@code fs}, started on first use. */
  static DirectoryWatcher of(FileSystem fs) throws IOException {
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
  interface Registration extends Closeable {
    /** False once the directory watched is gone (deleted, or replaced by another). */
    boolean valid();

    @Override
    void close();
  }

  /**
   * Calls {@code listener} (on the watcher thread) after any entry of {@code dir} is created,
   * modified or deleted, and once more when the watch becomes invalid, until the returned
   * registration is closed.
   */
  synchronized Registration watch(Path dir, Runnable listener) throws IOException {
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

  private synchronized void unwatch(WatchKey key, Runnable listener) {
    List<Runnable> list = listeners.get(key);
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
      key.pollEvents(); // the listeners re-read what they care about; the events are only a nudge
      List<Runnable> list = listeners.get(key);
      if (list != null) {
        for (Runnable r : list) {
          try {
            r.run();
          } catch (RuntimeException e) {
            log.warn("file event listener failed", e);
          }
        }
      }
      if (!key.reset()) {
        // The directory is gone; its listeners were told and will watch something else.
        synchronized (this) {
          listeners.remove(key);
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
