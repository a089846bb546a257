package thermos.executor;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import thermos.ckpt.TaskPath;
import thermos.common.Clock;
import thermos.proto.KillRequest;
import thermos.proto.TaskState;
import thermos.runner.KillRequests;

/** The real {@link KillRequester}: {@code checkpoints/ID/kill}, written atomically. */
public final class FileKillRequester implements KillRequester {
  private final TaskPath paths;
  private final String taskId;
  private final Clock clock;

  public FileKillRequester(TaskPath paths, String taskId, Clock clock) {
    this.paths = paths;
    this.taskId = taskId;
    this.clock = clock;
  }

  @Override
  public void request(TaskState terminal, Duration grace) throws TaskError {
    try {
      Files.createDirectories(paths.checkpointDir(taskId));
      KillRequests.write(paths.killRequest(taskId), KillRequest.newBuilder()
          .setTerminalState(terminal).setGraceMs(grace.toMillis())
          .setRequestedAtMs(clock.currentTimeMillis())
          .setRequesterPid((int) ProcessHandle.current().pid()).build());
    } catch (IOException e) {
      throw new TaskError("cannot write the kill request of " + taskId + ": " + e.getMessage(), e);
    }
  }
}
