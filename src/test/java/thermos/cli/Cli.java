package thermos.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import thermos.ckpt.TaskPath;
import thermos.ckpt.golden.GoldenLogs;
import thermos.ckpt.golden.Scenarios;
import thermos.ckpt.golden.Scenarios.Scenario;
import thermos.proto.TaskState;

/** Runs the CLI in-process and builds checkpoint roots from the golden logs. */
final class Cli {
  record Result(int code, String out, String err) {
    /** The CLI never shows a Java stack trace or exception class name. */
    Result noStackTrace() {
      assertFalse(err.contains("\tat ") || err.contains("Exception"), err);
      assertFalse(out.contains("\tat ") || out.contains("Exception"), out);
      return this;
    }

    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private Cli() {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = ThermosCli.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Result(code, out.toString(), err.toString()).noStackTrace();
  }

  static Path golden(String scenario) {
    return GoldenLogs.DIR.resolve(scenario).resolve(GoldenLogs.LOG);
  }

  /** A root holding every golden log as a task; terminal ones are in tasks/finished. */
  static Path goldenRoot(Path root) throws IOException {
    TaskPath paths = new TaskPath(root);
    for (Scenario s : Scenarios.all()) {
      Files.createDirectories(paths.checkpointDir(s.name()));
      Files.copy(golden(s.name()), paths.runnerCheckpoint(s.name()));
      Path sentinel = finalState(s) ? paths.finishedTaskFile(s.name())
          : paths.activeTaskFile(s.name());
      Files.createDirectories(sentinel.getParent());
      Files.writeString(sentinel, "{\"name\": \"" + s.name() + "\"}");
    }
    return root;
  }

  static boolean finalState(Scenario s) {
    TaskState last = null;
    for (var r : s.records()) {
      if (r.hasTaskStatus()) {
        last = r.getTaskStatus().getState();
      }
    }
    return last != TaskState.ACTIVE;
  }
}
