package thermos.ckpt;

import com.google.protobuf.CodedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import thermos.proto.RunnerCkpt;

/**
 * The single writer of a checkpoint log (DESIGN.md §3).
 *
 * <p>On open it takes an exclusive lock, reads the existing records (handing them to the caller,
 * so recovery replays and validates in one pass), refuses a log with a corrupt record, and
 * truncates a torn tail. Creating the log (or its lock file) syncs the directory once. Appends are fsynced per record unless the {@link SyncPolicy} says
 * otherwise.
 *
 * <p>The lock is taken on a sidecar file, {@code <log>.lock}, not on the log itself: Java file
 * locks are POSIX record locks, which the kernel drops when <em>any</em> descriptor of the file
 * in the process is closed, so a reader of the log in the same JVM (a TaskMonitor) would silently
 * release a lock held on the log. Nothing but writers ever opens the sidecar, and writers in the
 * same JVM are kept apart by a registry before they touch it.
 */
public final class CheckpointWriter implements Closeable {
  /** How a writer behaves; the defaults are what a runner needs. */
  public record Options(SyncPolicy syncPolicy, Syncer syncer, boolean waitForLock, int batchBytes) {
    public static Options defaults() {
      return new Options(SyncPolicy.EVERY_RECORD, Syncer.FORCE, false, 256 * 1024);
    }

    public Options withSyncPolicy(SyncPolicy policy) {
      return new Options(policy, syncer, waitForLock, batchBytes);
    }

    public Options withSyncer(Syncer s) {
      return new Options(syncPolicy, s, waitForLock, batchBytes);
    }

    /** Block until the lock is free instead of failing fast (a takeover that killed the holder). */
    public Options withWaitForLock(boolean wait) {
      return new Options(syncPolicy, syncer, wait, batchBytes);
    }
  }

  /** Lock files held by writers of this JVM (POSIX locks cannot tell two of ours apart). */
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  private final Path file;
  private final Path lockFile;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final FileChannel channel;
  private final Options options;
  private final TornTail truncatedTail;
  private final ByteBuffer batch;
  private ByteBuffer scratch = ByteBuffer.allocate(512);
  private long size;
  private boolean broken;
  private boolean closed;

  private CheckpointWriter(Path file, Path lockFile, FileChannel lockChannel, FileLock lock,
      FileChannel channel, Options options, long size, TornTail truncatedTail) {
    this.file = file;
    this.lockFile = lockFile;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.channel = channel;
    this.options = options;
    this.size = size;
    this.truncatedTail = truncatedTail;
    this.batch = options.syncPolicy() == SyncPolicy.BATCHED
        ? ByteBuffer.allocate(Math.max(options.batchBytes(), 4096)) : null;
  }

  /** Opens (creating if needed) {@code file} with the default options, ignoring its records. */
  public static CheckpointWriter open(Path file) throws IOException {
    return open(file, Options.defaults(), record -> {});
  }

  /**
   * Opens {@code file} for appending, creating it if needed. Every whole record already in the
   * log is passed to {@code existing}, in order, before this returns; an exception thrown by it
   * closes the writer and propagates.
   *
   * @throws CheckpointLockedException if another writer holds the log
   * @throws CorruptCheckpointException if a record in the log is corrupt (nothing is changed)
   */
  public static CheckpointWriter open(Path file, Options options,
      Consumer<CheckpointRecord> existing) throws IOException {
    Path lockFile = lockFileOf(file);
    Path key = registryKey(lockFile);
    if (!HELD.add(key)) {
      throw new CheckpointLockedException(file, "another writer in this process");
    }
    FileChannel lockChannel = null;
    FileChannel channel = null;
    try {
      // Whoever creates a file also syncs the directory: checked before, so a creator never misses.
      boolean created = !Files.exists(lockFile);
      lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.READ);
      FileLock lock = acquire(lockChannel, file, lockFile, options.waitForLock());
      recordHolder(lockChannel);
      created |= !Files.exists(file); // under the lock: no other writer creates it meanwhile
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      if (created) {
        options.syncer().syncDirectory(file.toAbsolutePath().getParent());
      }
      long end;
      TornTail torn;
      try (CheckpointReader reader = CheckpointReader.over(channel, file, 0)) {
        CheckpointRecord record;
        while ((record = reader.next()) != null) {
          existing.accept(record);
        }
        end = reader.position();
        torn = reader.tornTail();
      }
      if (torn != null) {
        // A crash mid-append left a partial record; appending after it would corrupt the log.
        channel.truncate(end);
        options.syncer().sync(channel);
      }
      return new CheckpointWriter(file, key, lockChannel, lock, channel, options, end, torn);
    } catch (IOException | RuntimeException | Error e) {
      closeQuietly(channel);
      closeQuietly(lockChannel);
      HELD.remove(key);
      throw e;
    }
  }

  /**
   * The lock file's identity in {@link #HELD}: its directory's real path, so that one log reached
   * through a symlink or a relative path is still one key. (Two keys for one file would let the
   * second writer reach {@code tryLock}, and closing its channel after the refusal would drop the
   * first writer's POSIX lock.)
   */
  private static Path registryKey(Path lockFile) throws IOException {
    Path absolute = lockFile.toAbsolutePath();
    return absolute.getParent().toRealPath().resolve(absolute.getFileName());
  }

  /** The sidecar lock file of a log: {@code <log>.lock}. */
  public static Path lockFileOf(Path log) {
    return log.resolveSibling(log.getFileName() + ".lock");
  }

  /**
   * Appends one record and returns its offset. With {@link SyncPolicy#EVERY_RECORD} it is on disk
   * when this returns.
   */
  public long append(RunnerCkpt ckpt) throws IOException {
    ensureWritable();
    if (ckpt.getRecordCase() == RunnerCkpt.RecordCase.RECORD_NOT_SET) {
      throw new IllegalArgumentException("refusing to write an empty RunnerCkpt record");
    }
    int payload = ckpt.getSerializedSize();
    if (payload > CheckpointFormat.MAX_PAYLOAD_BYTES) {
      throw new IllegalArgumentException("record of " + payload + " bytes exceeds the "
          + CheckpointFormat.MAX_PAYLOAD_BYTES + "-byte limit");
    }
    int total = CheckpointFormat.HEADER_BYTES + payload;
    ByteBuffer frame = frame(ckpt, payload, total);
    long offset = size;
    if (batch != null) {
      if (batch.remaining() < total) {
        writeBatch();
      }
      if (batch.remaining() >= total) {
        batch.put(frame);
        size += total;
        return offset;
      }
    }
    writeFully(frame, offset);
    size += total;
    if (batch == null) {
      sync();
    }
    return offset;
  }

  /** Writes buffered records and fsyncs. A no-op beyond the sync for {@code EVERY_RECORD}. */
  public void flush() throws IOException {
    ensureWritable();
    if (batch != null) {
      writeBatch();
      sync();
    }
  }

  /** Length of the log including buffered records: the offset the next record will get. */
  public long size() {
    return size;
  }

  public Path file() {
    return file;
  }

  /** The partial record this writer truncated when it opened the log, or null. */
  public TornTail truncatedTail() {
    return truncatedTail;
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (batch != null && !broken) {
        writeBatch();
        sync();
      }
    } finally {
      closeQuietly(channel);
      try {
        lock.release();
      } catch (IOException ignored) {
        // closing the channel releases it anyway
      }
      closeQuietly(lockChannel);
      HELD.remove(lockFile);
    }
  }

  private ByteBuffer frame(RunnerCkpt ckpt, int payload, int total) throws IOException {
    if (scratch.capacity() < total) {
      scratch = ByteBuffer.allocate(Math.max(total, scratch.capacity() * 2));
    }
    byte[] array = scratch.array();
    CodedOutputStream out = CodedOutputStream.newInstance(array, CheckpointFormat.HEADER_BYTES,
        payload);
    ckpt.writeTo(out);
    out.checkNoSpaceLeft();
    scratch.clear();
    scratch.putInt(0, payload);
    scratch.putInt(4, CheckpointFormat.crc32c(array, CheckpointFormat.HEADER_BYTES, payload));
    scratch.limit(total);
    return scratch;
  }

  private void writeBatch() throws IOException {
    if (batch.position() == 0) {
      return;
    }
    batch.flip();
    long start = size - batch.remaining();
    try {
      writeFully(batch, start);
    } catch (IOException e) {
      // Appends already returned for these records: they are lost, and the writer with them.
      broken = true;
      throw e;
    }
    batch.clear();
  }

  /**
   * Syncs through the policy hook. A failed fsync leaves the written bytes' durability unknown
   * (the kernel may have dropped them and marked the pages clean), so the writer takes no more
   * appends after one.
   */
  private void sync() throws IOException {
    try {
      options.syncer().sync(channel);
    } catch (IOException | RuntimeException e) {
      broken = true;
      throw e;
    }
  }

  /** Writes all of {@code data} at {@code at}; on failure, cuts the log back to {@code at}. */
  private void writeFully(ByteBuffer data, long at) throws IOException {
    try {
      long pos = at;
      while (data.hasRemaining()) {
        pos += channel.write(data, pos);
      }
    } catch (IOException e) {
      try {
        channel.truncate(at);
      } catch (IOException truncateFailed) {
        broken = true; // a partial record may remain: no more appends after it
        e.addSuppressed(truncateFailed);
      }
      throw e;
    }
  }

  private void ensureWritable() throws IOException {
    if (closed) {
      throw new IOException("checkpoint writer for " + file + " is closed");
    }
    if (broken) {
      throw new IOException("checkpoint writer for " + file + " failed an earlier append");
    }
  }

  private static FileLock acquire(FileChannel lockChannel, Path file, Path lockFile, boolean wait)
      throws IOException {
    FileLock lock;
    try {
      lock = wait ? lockChannel.lock() : lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      throw new CheckpointLockedException(file, readHolder(lockFile));
    }
    return lock;
  }

  private static void recordHolder(FileChannel lockChannel) throws IOException {
    byte[] who = ("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8);
    lockChannel.truncate(0);
    lockChannel.write(ByteBuffer.wrap(who), 0);
  }

  private static String readHolder(Path lockFile) {
    try {
      // Safe to open and close here: this process holds no lock on the sidecar.
      return Files.readString(lockFile, StandardCharsets.UTF_8).trim();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static void closeQuietly(Closeable c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException ignored) {
        // nothing more to do
      }
    }
  }
}
