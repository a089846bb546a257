package thermos.runner.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The coordinator: a small bash program that is the session leader of one run. It starts the
 * user's {@code /bin/bash -c CMDLINE}, records RUNNING and the exit in the process's
 * coordinator file, and outlives a runner crash — so a new runner recovers the exit status
 * instead of declaring the run LOST (Thermos' coordinator, SEMANTICS.md §1b.1).
 *
 * <p>File format, one line per event, appended with a single write:
 * {@code RUN RUNNING PID EPOCH_SECONDS} and {@code RUN EXIT STATUS EPOCH_SECONDS}, where STATUS
 * is the shell's exit status (128+N for a death by signal N).
 *
 * <p>Arguments: {@code $1} coordinator file, {@code $2} run number, {@code $3} profile for
 * BASH_ENV (empty for none), {@code $4} the command line, {@code $5} the {@link LogPumpScript}
 * mode (empty: the child writes straight to the coordinator's stdout/stderr), and for a pump
 * mode {@code $6} the log directory, {@code $7} log_size, {@code $8} backups, {@code $9} the
 * setsid program, {@code $10} the pump script; then {@code NAME=VALUE} entries of
 * {@link #childOnly} variables, set for the child only. Its stdin/stdout/stderr are the user
 * process's (or, with pumps, the streams the pumps copy to); its own complaints go to /dev/null.
 */
final class Coordinator {
  private Coordinator() {}

  /** The program's name as it shows in {@code ps} ({@code $0}). */
  static final String NAME = "thermos-coordinator";

  /** Positional arguments before the child's own variables. */
  static final int FIXED_ARGS = 10;

  /**
   * Variables bash itself acts on at startup (sourcing a file, setting options, importing
   * exported functions, which would shadow the commands the coordinator runs): meant for the
   * user's shell, so the coordinator and the pumps must not see them.
   */
  static boolean childOnly(String name) {
    return STARTUP_VARIABLES.contains(name) || name.startsWith("BASH_FUNC_");
  }

  private static final Set<String> STARTUP_VARIABLES =
      Set.of("BASH_ENV", "ENV", "SHELLOPTS", "BASHOPTS");

  private static final int READY = LogPumpScript.READY_FD;

  /** For runs whose output goes straight to its destination (file/standard, console, none). */
  static final String SCRIPT = script(false);

  /** For runs whose output goes through log pumps (both, rotate). */
  static final String PIPED_SCRIPT = script(true);

  /** The pump part only where it is needed: the default mode pays nothing for it. */
  private static String script(boolean piped) {
    List<String> lines = new ArrayList<>(List.of(
        // Keep the user's stderr on fd 3 for the child; the coordinator itself stays silent.
        "exec 3>&2 2>/dev/null",
        "ckpt=$1 run=$2 profile=$3 cmd=$4 pump=$5",
        // Timestamps without forking (EPOCHREALTIME, bash >= 5); some locales write a comma.
        "stamp() { t=${EPOCHREALTIME:-}; [ -n \"$t\" ] || t=$(date +%s.%N); t=${t/,/.}; }",
        // Survive a TERM/HUP aimed at the session so the exit is still recorded; the child
        // starts with default handlers (handlers are reset on exec).
        "interrupted=",
        "trap 'interrupted=1' TERM HUP"));
    if (piped) {
      lines.addAll(List.of(
          // One pump per stream, each in a session of its own (the run's session is killed
          // when the run ends, the pumps must drain first), marked as a pump and not as a user
          // process. Neither pump holds a write end of a pipe: each sees EOF once the child's
          // tree is gone. coreutils from the usual place first: the user's PATH may hold other
          // heads and tees.
          "pumpenv() { " + LogPumpScript.MARKER + "=$" + LocalProcessPlatform.TASK_MARKER
              + "; unset " + LocalProcessPlatform.TASK_MARKER + "; export "
              + LogPumpScript.MARKER + " PATH=/usr/bin:/bin${PATH:+:$PATH}; }",
          // A pump is in this session until it has exec'd setsid, and the runner kills the
          // session once the exit is recorded: the exit is recorded only once both pumps have
          // closed their copy of the readiness pipe (read end 6, write end 7).
          "exec 6< <(:)",
          "exec " + READY + ">/proc/self/fd/6",
          "exec 4> >(pumpenv; exec \"$9\" /bin/bash -c \"${10}\" " + LogPumpScript.NAME
              + " \"$pump\" \"$6/stdout\" \"$7\" \"$8\" 3>&- 6<&-)",
          "exec 5> >(pumpenv; exec \"$9\" /bin/bash -c \"${10}\" " + LogPumpScript.NAME
              + " \"$pump\" \"$6/stderr\" \"$7\" \"$8\" >&3 3>&- 4>&- 6<&-)",
          "exec " + READY + ">&-",
          "exec 1>&4 3>&5 4>&- 5>&-"));
    }
    lines.addAll(List.of(
        "shift " + FIXED_ARGS,
        "if [ $# -gt 0 ]; then",
        // The runner's BASH_ENV etc. (preserve_env) reach the child only; the profile wins.
        "  [ -z \"$profile\" ] || set -- \"$@\" \"BASH_ENV=$profile\"",
        "  /usr/bin/env -- \"$@\" /bin/bash -c \"$cmd\" 2>&3 3>&- 6<&- &",
        "elif [ -n \"$profile\" ]; then",
        "  BASH_ENV=$profile /bin/bash -c \"$cmd\" 2>&3 3>&- 6<&- &",
        "else",
        "  /bin/bash -c \"$cmd\" 2>&3 3>&- 6<&- &",
        "fi",
        "child=$!",
        "exec 3>&-"));
    if (piped) {
      lines.add("exec 1>/dev/null"); // the pumps' pipes are the child tree's alone now
    }
    lines.addAll(List.of(
        "stamp",
        "printf '%s RUNNING %s %s\\n' \"$run\" \"$child\" \"$t\" >> \"$ckpt\"",
        "while :; do",
        "  interrupted=",
        "  wait \"$child\"; rc=$?",
        "  [ -n \"$interrupted\" ] || break",
        // A trapped signal interrupted wait: wait again while the child is still our job.
        "  case \" $(jobs -p) \" in *\" $child \"*) ;; *) break ;; esac",
        "done",
        "stamp"));
    if (piped) {
      lines.add("read -r -u 6 _"); // at once, unless the process ended before its pumps ran
    }
    lines.addAll(List.of(
        "printf '%s EXIT %s %s\\n' \"$run\" \"$rc\" \"$t\" >> \"$ckpt\"",
        ""));
    return String.join("\n", lines);
  }
}
