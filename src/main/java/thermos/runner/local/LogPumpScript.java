package thermos.runner.local;

/**
 * A log pump: the bash program that copies one output stream of a piped run (destination
 * {@code both}, or mode {@code rotate}) from its pipe to the log file and/or the runner's
 * stream (SEMANTICS.md §1b.13). The coordinator starts one per stream in a session of its own,
 * so neither a runner crash nor the session kill that ends a run cuts the pipe: the pump lives
 * exactly as long as its writers (the user's process tree) and drains what they wrote.
 *
 * <p>Arguments: {@code $1} mode ({@link Mode#arg()}), {@code $2} the log file, {@code $3}
 * log_size in bytes and {@code $4} backups (rotate modes). Its stdin is the pipe and its stdout
 * the runner's stream (tee modes). Needs only bash and coreutils.
 */
final class LogPumpScript {
  private LogPumpScript() {}

  /** The program's name as it shows in {@code ps} ({@code $0}). */
  static final String NAME = "thermos-log-pump";

  /**
   * Marks every pump of a task ({@code THERMOS_LOG_PUMP=TASK_ID}) so a runner can wait for them
   * to drain. Pumps do not carry {@link LocalProcessPlatform#TASK_MARKER}: they are not user
   * processes and are never signalled.
   */
  static final String MARKER = "THERMOS_LOG_PUMP";

  /** What a pump does with its stream. */
  enum Mode {
    /** {@code both} + {@code standard}: the runner's stream and the file (appended to). */
    TEE("tee"),
    /** {@code file} + {@code rotate}: a rotating file. */
    ROTATE("rotate"),
    /** {@code both} + {@code rotate}: the runner's stream and a rotating file. */
    TEE_ROTATE("tee-rotate");

    private final String arg;

    Mode(String arg) {
      this.arg = arg;
    }

    String arg() {
      return arg;
    }
  }

  /**
   * The coordinator's readiness pipe, if open: closed as soon as the pump runs (in its own
   * session, marked). The coordinator records the exit only then, so the session kill that
   * follows cannot reach the pump and a runner's drain can find it.
   */
  static final int READY_FD = 7;

  static final String SCRIPT = String.join("\n",
      "exec " + READY_FD + ">&-",
      // head -c N copies as it reads and never reads past N bytes, even from a pipe: each file
      // gets exactly log_size bytes (never more) at native speed. A short file means EOF: every
      // writer is gone. Rotation as Thermos names it: base.N-1 -> base.N ... base -> base.1,
      // the oldest replaced (mv -f), then a fresh (truncated) base.
      "rotate() {",
      "  local base=$1 size=$2 keep=$3 n i",
      "  while head -c \"$size\" > \"$base\"; do",
      "    n=$(stat -c %s -- \"$base\") || break",
      "    [ \"$n\" -ge \"$size\" ] || return 0",
      "    for ((i = keep - 1; i >= 1; i--)); do",
      "      [ ! -e \"$base.$i\" ] || mv -f -- \"$base.$i\" \"$base.$((i + 1))\" || break 2",
      "    done",
      "    mv -f -- \"$base\" \"$base.1\" || break",
      "  done",
      // A log that cannot be written must neither block the process (a full pipe) nor kill it
      // (SIGPIPE): keep draining.
      "  exec cat > /dev/null",
      "}",
      // tee -p ignores EPIPE/SIGPIPE on the runner's stream (a dead runner's pipe) and keeps
      // writing the file; if every output fails, the rest is drained.
      "case $1 in",
      "  tee) tee -p -a -- \"$2\" || exec cat > /dev/null ;;",
      "  rotate) rotate \"$2\" \"$3\" \"$4\" ;;",
      "  tee-rotate) tee -p -- >(rotate \"$2\" \"$3\" \"$4\") || cat > /dev/null; wait $! ;;",
      "esac",
      "");
}
