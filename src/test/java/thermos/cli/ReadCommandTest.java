package thermos.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import thermos.ckpt.golden.GoldenLogs;
import thermos.ckpt.golden.Scenarios;
import thermos.ckpt.golden.Scenarios.Scenario;

/** {@code thermos read} over the golden logs: JSON, human and simple output. */
class ReadCommandTest {
  @TempDir Path tmp;

  static Stream<String> scenarios() {
    return Scenarios.all().stream().map(Scenario::name);
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void readJsonOfAFileOrATaskIdEqualsExpectedJson(String scenario) throws IOException {
    String expected = Files.readString(GoldenLogs.DIR.resolve(scenario)
        .resolve(GoldenLogs.EXPECTED));
    Cli.Result byFile = Cli.run("read", "--json", Cli.golden(scenario).toString());
    assertEquals(0, byFile.code(), byFile::toString);
    assertEquals(expected, byFile.out());
    assertEquals("", byFile.err());
    Path root = Cli.goldenRoot(tmp);
    Cli.Result byId = Cli.run("read", "--root", root.toString(), "--json", scenario);
    assertEquals(0, byId.code(), byId::toString);
    assertEquals(expected, byId.out());
  }

  @Test
  void humanReadShowsHeaderStatesAndRuns() {
    Cli.Result r = Cli.run("read", Cli.golden("kill").toString());
    assertEquals(0, r.code(), r::toString);
    String out = r.out();
    for (String expected : new String[] {
        "format: thermos-jvm, 17 records", "Recovered Task Header:", "id:       kill",
        "user:     www-data (uid 33)", "host:     worker-7.example.com",
        "sandbox:  /var/sandbox/kill", "ports:    http->31400", "Recovered Task States:",
        "[pid: 4100] => ACTIVE", "[pid: 4800] => ACTIVE", "[pid: 4800] => CLEANING",
        "[pid: 4800] => FINALIZING", "[pid: 4800] => KILLED", "Recovered Processes:",
        "web   runs: 1", "pid=4702, rc=-15", "state:KILLED", "sidecar   runs: 1",
        "pid=-, rc=-1", "cleanup   runs: 1", "rc=0"}) {
      assertTrue(out.contains(expected), () -> "missing '" + expected + "' in\n" + out);
    }
    assertTrue(out.indexOf("=> CLEANING") < out.indexOf("=> FINALIZING"));
  }

  @Test
  void humanReadListsEveryRunNewestFirst() {
    Cli.Result r = Cli.run("read", Cli.golden("daemon").toString());
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().contains("server   runs: 4"), r.out());
    assertTrue(r.out().contains(" 3: pid=4508, rc=-, finish:-, state:RUNNING"), r.out());
    assertTrue(r.out().indexOf(" 3: pid=4508") < r.out().indexOf(" 0: pid=4502"), r.out());
    assertTrue(r.out().contains("ports:    http->31000"), r.out());
  }

  @Test
  void humanReadOfPortsSortsThem() {
    Cli.Result r = Cli.run("read", Cli.golden("active_running").toString());
    assertTrue(r.out().contains("ports:    admin->31338 health->31339 http->31337"), r.out());
  }

  @Test
  void simpleReadPrintsOneLinePerRecord() {
    Cli.Result r = Cli.run("read", "--simple", Cli.golden("lose").toString());
    assertEquals(0, r.code(), r::toString);
    String[] lines = r.out().split("\n");
    assertEquals(Scenarios.named("lose").records().size(), lines.length);
    for (String line : lines) {
      assertTrue(line.startsWith("CKPT: "), line);
    }
    assertTrue(lines[0].contains("task_status") && lines[0].contains("ACTIVE"), lines[0]);
    assertTrue(lines[1].contains("runner_header") && lines[1].contains("task_id: \"lose\""),
        lines[1]);
    assertTrue(lines[lines.length - 1].contains("LOST"), lines[lines.length - 1]);
  }

  @Test
  void aTornTailIsANoteNotAnError() throws IOException {
    byte[] bytes = Files.readAllBytes(Cli.golden("success"));
    Path log = Files.write(tmp.resolve("runner"), java.util.Arrays.copyOf(bytes,
        bytes.length - 3));
    for (String mode : new String[] {"--json", "--simple", "-v"}) {
      Cli.Result r = Cli.run("read", mode, log.toString());
      assertEquals(0, r.code(), r::toString);
      assertTrue(r.err().contains("note:") && r.err().contains("torn tail"), r.err());
    }
    Cli.Result json = Cli.run("read", "--json", log.toString());
    assertTrue(json.out().contains("\"state\": \"FINALIZING\""), "state before the cut");
  }

  @Test
  void headerLateStillShowsTheHeader() {
    Cli.Result r = Cli.run("read", Cli.golden("header_late").toString());
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().contains("id:       header_late"), r.out());
    assertTrue(r.out().contains("[pid: 5300] => ACTIVE"), r.out());
  }

  @Test
  void aLogWithoutHeaderSaysSo() throws IOException {
    byte[] bytes = Files.readAllBytes(Cli.golden("header_late"));
    byte[] firstRecord = thermos.ckpt.Ckpts.frame(Scenarios.named("header_late").records()
        .get(0));
    Path log = Files.write(tmp.resolve("runner"), java.util.Arrays.copyOf(bytes,
        firstRecord.length));
    Cli.Result r = Cli.run("read", log.toString());
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().contains("Recovered Task Header: none"), r.out());
  }
}
