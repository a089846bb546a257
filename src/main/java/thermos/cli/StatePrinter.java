package thermos.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import thermos.ckpt.LogReplay;
import thermos.proto.ProcessHistory;
import thermos.proto.ProcessStatus;
import thermos.proto.RunnerHeader;
import thermos.proto.RunnerState;
import thermos.proto.TaskStatus;

/** Human output of {@code read}, in the spirit of Thermos' {@code thermos read}. */
final class StatePrinter {
  private final PrintWriter out;

  StatePrinter(PrintWriter out) {
    this.out = out;
  }

  void print(Path log, LogReplay.Result result) {
    RunnerState state = result.state().toProto();
    out.printf("Checkpoint %s (format: %s, %d records)%n", log, result.format(), result.records());
    printHeader(state);
    printStatuses(state);
    printProcesses(state);
  }

  /**
   * A Thermos coordinator log ({@code coordinator.<process>}): process records only, replayed
   * with {@code supplied} WAITING records that only the runner checkpoint holds.
   */
  void printCoordinatorLog(Path log, LogReplay.Result result, long supplied) {
    RunnerState state = result.state().toProto();
    out.printf("Coordinator log %s (format: %s, %d records)%n", log, result.format(),
        result.records());
    out.printf("  A coordinator log holds each run's FORKED, RUNNING and terminal records only:%n"
        + "  the %d WAITING record(s) that open the runs are in the runner checkpoint and are "
        + "assumed here.%n", supplied);
    printProcesses(state);
  }

  private void printStatuses(RunnerState state) {
    out.println("Recovered Task States:");
    for (TaskStatus s : state.getStatusesList()) {
      out.printf("  %s [pid: %s] => %s%n", s.hasTimestampMs() ? HumanTime.ofMillis(s.getTimestampMs()) : "-",
          s.hasRunnerPid() ? s.getRunnerPid() : "-", s.getState());
    }
  }

  private void printProcesses(RunnerState state) {
    out.println("Recovered Processes:");
    for (Map.Entry<String, ProcessHistory> e : new TreeMap<>(state.getProcessesMap()).entrySet()) {
      List<ProcessStatus> runs = e.getValue().getRunsList();
      out.printf("  %s   runs: %d%n", e.getKey(), runs.size());
      for (int i = runs.size() - 1; i >= 0; i--) {
        out.printf("    %2d: %s%n", i, describeRun(runs.get(i)));
      }
    }
  }

  private void printHeader(RunnerState state) {
    if (!state.hasHeader()) {
      out.println("Recovered Task Header: none (the runner has not written it yet)");
      return;
    }
    RunnerHeader h = state.getHeader();
    out.println("Recovered Task Header:");
    out.printf("  id:       %s%n", h.getTaskId());
    out.printf("  user:     %s%s%n", h.hasUser() ? h.getUser() : "-",
        h.hasUid() ? " (uid " + h.getUid() + ")" : "");
    out.printf("  host:     %s%n", h.hasHostname() ? h.getHostname() : "-");
    out.printf("  sandbox:  %s%n", h.hasSandbox() ? h.getSandbox() : "-");
    if (h.hasLogDir()) {
      out.printf("  log dir:  %s%n", h.getLogDir());
    }
    if (h.hasLaunchTimeMs()) {
      out.printf("  launched: %s%n", HumanTime.ofMillis(h.getLaunchTimeMs()));
    }
    out.printf("  ports:    %s%n", ports(h.getPortsMap()));
  }

  /** {@code name->port ...} sorted by name, or "none". */
  static String ports(Map<String, Long> ports) {
    if (ports.isEmpty()) {
      return "none";
    }
    StringBuilder sb = new StringBuilder();
    new TreeMap<>(ports).forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k)
        .append("->").append(v));
    return sb.toString();
  }

  /** {@code pid=…, rc=…, finish:…, state:…}; a run without a pid prints "-" (Thermos crashed). */
  static String describeRun(ProcessStatus run) {
    return "pid=" + (run.hasPid() ? run.getPid() : "-")
        + ", rc=" + (run.hasReturnCode() ? run.getReturnCode() : "-")
        + ", finish:" + (run.hasStopTime() ? HumanTime.ofSeconds(run.getStopTime()) : "-")
        + ", state:" + run.getState();
  }
}
