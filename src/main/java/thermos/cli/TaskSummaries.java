package thermos.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import thermos.ckpt.LogReplay;
import thermos.ckpt.ReplayState;
import thermos.ckpt.TaskPath.TaskFileState;
import thermos.monitor.TaskDetector;
import thermos.monitor.TaskDetector.TaskEntry;
import thermos.proto.ProcessStatus;
import thermos.proto.ProcessSummary;
import thermos.proto.RunnerHeader;
import thermos.proto.TaskStatus;
import thermos.proto.TaskSummary;

/** Builds the {@code status} view of every task under a root. */
final class TaskSummaries {
  static final String UNKNOWN = "UNKNOWN";

  private TaskSummaries() {}

  /**
   * Tasks whose id starts with a match of one of {@code patterns} (all tasks if none), in the
   * detector's order. The logs are replayed in parallel: a root may hold thousands of tasks.
   */
  static List<TaskSummary> scan(TaskDetector detector, List<Pattern> patterns) throws IOException {
    List<TaskEntry> selected = new ArrayList<>();
    for (TaskEntry entry : detector.taskIds()) {
      if (matches(entry.taskId(), patterns)) {
        selected.add(entry);
      }
    }
    return selected.parallelStream().map(entry -> summarize(detector, entry)).toList();
  }

  static boolean matches(String taskId, List<Pattern> patterns) {
    if (patterns.isEmpty()) {
      return true;
    }
    for (Pattern p : patterns) {
      if (p.matcher(taskId).lookingAt()) {
        return true;
      }
    }
    return false;
  }

  static TaskSummary summarize(TaskDetector detector, TaskEntry entry) {
    TaskSummary.Builder s = TaskSummary.newBuilder()
        .setTaskId(entry.taskId())
        .setActive(entry.state() == TaskFileState.ACTIVE)
        .setState(UNKNOWN);
    Path log = detector.checkpoint(entry.taskId());
    LogReplay.Result result;
    try {
      // Truncate mode: the latest status and run are all a summary needs.
      result = LogReplay.replay(log, true);
    } catch (NoSuchFileException e) {
      return s.setProblem("no checkpoint " + log).build();
    } catch (IOException e) {
      return s.setProblem("cannot read " + log + ": " + reason(e)).build();
    }
    s.setCheckpointFormat(result.format());
    if (result.problem() != null) {
      s.setProblem(result.problem().message());
    }
    ReplayState state = result.state();
    TaskStatus last = state.lastStatus();
    if (last != null) {
      s.setState(last.getState().name());
      if (last.hasTimestampMs()) {
        s.setStateTimestampMs(last.getTimestampMs());
      }
    }
    RunnerHeader h = state.header();
    if (h != null) {
      if (h.hasLaunchTimeMs()) {
        s.setLaunchTimeMs(h.getLaunchTimeMs());
      }
      if (h.hasUser()) {
        s.setUser(h.getUser());
      }
      if (h.hasHostname()) {
        s.setHostname(h.getHostname());
      }
      if (h.hasSandbox()) {
        s.setSandbox(h.getSandbox());
      }
      s.putAllPorts(h.getPortsMap());
    }
    for (String name : state.processNames()) {
      ProcessStatus run = state.latestRun(name);
      ProcessSummary.Builder p = ProcessSummary.newBuilder()
          .setRuns(state.runCount(name))
          .setState(run.getState().name());
      if (run.hasPid()) {
        p.setPid(run.getPid());
      }
      if (run.hasReturnCode()) {
        p.setReturnCode(run.getReturnCode());
      }
      if (run.hasStartTime()) {
        p.setStartTime(run.getStartTime());
      }
      if (run.hasStopTime()) {
        p.setStopTime(run.getStopTime());
      }
      s.putProcesses(name, p.build());
    }
    return s.build();
  }

  /** Why a file could not be read, without repeating its name. */
  static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException f) {
      return f.getReason() != null ? f.getReason() : "I/O error";
    }
    return e.getMessage();
  }

  /** Owner of the task's checkpoint file, as Thermos' status shows it. */
  static String owner(TaskDetector detector, String taskId) {
    try {
      return Files.getOwner(detector.checkpoint(taskId)).getName();
    } catch (IOException | UnsupportedOperationException e) {
      return "?";
    }
  }
}
