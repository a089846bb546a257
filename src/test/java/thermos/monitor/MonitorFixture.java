package thermos.monitor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import thermos.ckpt.Ckpts;
import thermos.ckpt.TaskPath;
import thermos.proto.RunnerCkpt;

/** A checkpoint root for monitor tests, with raw ways to put bytes into a task's log. */
final class MonitorFixture {
  static final String TASK = "task-1";
  /** Waits never assert timing; this only bounds a broken test. */
  static final Duration DEADLINE = Duration.ofSeconds(60);
  /** So long that a wake-up within DEADLINE can only have come from a file event. */
  static final Duration NO_POLL = Duration.ofMinutes(30);

  final TaskPath paths;

  MonitorFixture(Path root) {
    this.paths = new TaskPath(root);
  }

  Path log() {
    return paths.runnerCheckpoint(TASK);
  }

  Path createLogDir() throws IOException {
    return Files.createDirectories(paths.checkpointDir(TASK));
  }

  /** Appends raw bytes to the log, bypassing the writer (and its lock). */
  void appendRaw(byte[] bytes) throws IOException {
    createLogDir();
    try (FileChannel ch = FileChannel.open(log(), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ch.write(ByteBuffer.wrap(bytes));
    }
  }

  void appendRaw(List<RunnerCkpt> records) throws IOException {
    appendRaw(Ckpts.frames(records));
  }

  /** Overwrites bytes in place at {@code offset}, keeping the file's length. */
  void overwrite(long offset, byte[] bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(log(), StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(bytes), offset);
    }
  }
}
