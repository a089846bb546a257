package thermos.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import thermos.ckpt.CheckpointStateException;
import thermos.ckpt.CorruptCheckpointException;

/** {@code java -jar thermos.jar COMMAND ...}: the command-line entry point (DESIGN.md §6). */
@Command(name = "thermos", mixinStandardHelpOptions = true, version = "thermos-jvm 0.1.0",
    description = "Run, inspect and stop Thermos tasks.")
public final class ThermosCli {
  private static final Logger log = LoggerFactory.getLogger(ThermosCli.class);
  /** The commands, in the order help lists them. */
  private static final List<Class<?>> COMMANDS = List.of(RunCommand.class,
      SimpleRunCommand.class, RunnerCommand.class, KillCommand.class, StatusCommand.class,
      ReadCommand.class, TailCommand.class, InspectCommand.class, ImportCommand.class);

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs one command line and returns its exit code (for tests and the launcher). */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = commandLine(args);
    cli.setOut(out);
    cli.setErr(err);
    return cli.execute(args);
  }

  /**
   * The command line for {@code args}: with only the command they name, if they name one. Picocli
   * builds a command's model by reflection, which for all nine costs a runner JVM ~20 ms of its
   * start; help and errors about the command name see every command.
   */
  static CommandLine commandLine(String[] args) {
    CommandLine cli = new CommandLine(new ThermosCli());
    Class<?> named = args.length == 0 ? null : COMMANDS.stream()
        .filter(c -> c.getAnnotation(Command.class).name().equals(args[0]))
        .findFirst().orElse(null);
    for (Class<?> command : named != null ? List.of(named) : COMMANDS) {
      cli.addSubcommand(command);
    }
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      int code = exitCodeOf(e);
      PrintWriter err = commandLine.getErr();
      err.println("thermos " + commandLine.getCommandName() + ": error: " + messageOf(e));
      err.flush();
      log.debug("command failed", e);
      return code;
    });
    return cli;
  }

  static int exitCodeOf(Exception e) {
    if (e instanceof CliException c) {
      return c.exitCode();
    }
    if (e instanceof CorruptCheckpointException || e instanceof CheckpointStateException) {
      return ExitCodes.CORRUPT;
    }
    if (e instanceof NoSuchFileException) {
      return ExitCodes.NOT_FOUND;
    }
    if (e instanceof IOException) {
      return ExitCodes.IO_ERROR;
    }
    return 101;
  }

  static String messageOf(Exception e) {
    if (e instanceof NoSuchFileException n) {
      return "no such file: " + n.getFile();
    }
    if (e instanceof AccessDeniedException a) {
      return "permission denied: " + a.getFile();
    }
    if (e instanceof CliException || e instanceof IOException
        || e instanceof CheckpointStateException) {
      return e.getMessage();
    }
    return "internal error: " + e;
  }
}
