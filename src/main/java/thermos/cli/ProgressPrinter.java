package thermos.cli;

import java.io.PrintWriter;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import thermos.ckpt.UniversalStateHandler;
import thermos.proto.ProcessState;
import thermos.proto.ProcessStatus;
import thermos.proto.TaskState;
import thermos.proto.TaskStatus;

/** {@code run}'s live progress: one line per transition, as it is checkpointed. */
final class ProgressPrinter implements UniversalStateHandler {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
  private final PrintWriter out;
  private final String taskId;

  ProgressPrinter(PrintWriter out, String taskId) {
    this.out = out;
    this.taskId = taskId;
  }

  @Override
  public void onTaskTransition(TaskStatus update, TaskState from) {
    if (update.getState() == from) {
      return; // a runner announcing itself, not a transition
    }
    line("task " + taskId + " " + update.getState());
  }

  @Override
  public void onProcessTransition(ProcessStatus u, ProcessState from) {
    StringBuilder sb = new StringBuilder("  ").append(u.getProcess()).append(' ')
        .append(u.getState());
    switch (u.getState()) {
      case RUNNING -> sb.append(" (pid ").append(u.getPid()).append(')');
      case SUCCESS, FAILED, KILLED -> {
        if (u.hasReturnCode()) {
          sb.append(" (rc ").append(u.getReturnCode()).append(')');
        }
      }
      default -> { }
    }
    line(sb.toString());
  }

  private void line(String s) {
    out.println(LocalTime.now().format(TIME) + " " + s);
    out.flush();
  }
}
