package thermos.cli;

/**
 * The CLI's exit codes (documented in the README). 101–105 are the runner's (DESIGN.md §4).
 */
public final class ExitCodes {
  /** Done: the command did what was asked (for `run`, the task succeeded). */
  public static final int OK = 0;
  /** The task did not succeed (`run`, `kill`), or nothing matched (`status`). */
  public static final int NOT_OK = 1;
  /** Bad command line: unknown option, missing argument, malformed value. */
  public static final int USAGE = 2;
  /** A named task, file or directory does not exist. */
  public static final int NOT_FOUND = 3;
  /** A checkpoint is corrupt or holds an invalid record (the message names file and offset). */
  public static final int CORRUPT = 4;
  /** A file could not be read or written (permissions, I/O errors). */
  public static final int IO_ERROR = 5;
  /** The destination already holds something different (`import`): nothing was overwritten. */
  public static final int CONFLICT = 6;
  /** The task's JSON is invalid (also the runner's INVALID_TASK). */
  public static final int INVALID_TASK = 102;

  private ExitCodes() {}
}
