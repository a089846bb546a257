package thermos.runner.local;

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
 * BASH_ENV (empty for none), {@code $4} the command line. Its stdin/stdout/stderr are the
 * user process's; its own complaints go to /dev/null.
 */
final class Coordinator {
  private Coordinator() {}

  /** The program's name as it shows in {@code ps} ({@code $0}). */
  static final String NAME = "thermos-coordinator";

  static final String SCRIPT = String.join("\n",
      // Keep the user's stderr on fd 3 for the child; the coordinator itself stays silent.
      "exec 3>&2 2>/dev/null",
      "ckpt=$1 run=$2 profile=$3 cmd=$4",
      // Timestamps without forking (EPOCHREALTIME, bash >= 5); some locales write a comma.
      "stamp() { t=${EPOCHREALTIME:-}; [ -n \"$t\" ] || t=$(date +%s.%N); t=${t/,/.}; }",
      // Survive a TERM/HUP aimed at the session so the exit is still recorded; the child
      // starts with default handlers (handlers are reset on exec).
      "interrupted=",
      "trap 'interrupted=1' TERM HUP",
      "if [ -n \"$profile\" ]; then",
      "  BASH_ENV=$profile /bin/bash -c \"$cmd\" 2>&3 3>&- &",
      "else",
      "  /bin/bash -c \"$cmd\" 2>&3 3>&- &",
      "fi",
      "child=$!",
      "exec 3>&-",
      "stamp",
      "printf '%s RUNNING %s %s\\n' \"$run\" \"$child\" \"$t\" >> \"$ckpt\"",
      "while :; do",
      "  interrupted=",
      "  wait \"$child\"; rc=$?",
      "  [ -n \"$interrupted\" ] || break",
      // A trapped signal interrupted wait: wait again while the child is still our job.
      "  case \" $(jobs -p) \" in *\" $child \"*) ;; *) break ;; esac",
      "done",
      "stamp",
      "printf '%s EXIT %s %s\\n' \"$run\" \"$rc\" \"$t\" >> \"$ckpt\"",
      "");
}
