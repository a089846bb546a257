package thermos.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static thermos.executor.LiveTasks.assertNothingLeft;
import static thermos.executor.LiveTasks.ms;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import thermos.proto.TaskState;

/**
 * HTTP lifecycle teardown against a real local HTTP server and a real task: the request
 * delivered (and ignored), not delivered, and the task exiting early on /quitquitquit.
 */
@Tag("integration")
class HttpLifecycleIntegrationTest {
  /** Waits on a FIFO for a line: /quitquitquit writes one and the task exits 0. */
  private static final String SERVER = LiveTasks.task("server",
      "rm -f ctl; mkfifo ctl && read -r _ < ctl");

  @TempDir static Path root;
  private static LiveTasks live;
  private static HttpServer server;
  private static final List<String> calls = new CopyOnWriteArrayList<>();
  private static volatile Path quitFifo;

  private ThermosTaskRunner runner;

  @BeforeAll
  static void startServer() throws IOException {
    live = new LiveTasks(root);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      calls.add(exchange.getRequestMethod() + " " + path);
      Path fifo = quitFifo;
      if (path.equals("/quitquitquit") && fifo != null) {
        Files.writeString(fifo, "quit\n", StandardCharsets.UTF_8);
      }
      exchange.sendResponseHeaders(path.equals("/quitquitquit") ? 200 : 503, -1);
      exchange.close();
    });
    server.start();
  }

  @AfterAll
  static void stopServer() {
    server.stop(0);
  }

  @BeforeEach
  void reset() {
    calls.clear();
    quitFifo = null;
  }

  @AfterEach
  void nothingLeft() {
    if (runner != null) {
      assertNothingLeft(runner);
      runner.close();
    }
  }

  private TaskLifecycle start(int port, Duration waits) throws Exception {
    String id = LiveTasks.newId("http");
    runner = live.builder(SERVER, id).ports(Map.of("health", port))
        .preemptionWait(Duration.ofSeconds(1)).build();
    TaskLifecycle t = HttpLifecycleManager.wrap(runner, HttpLifecycleManager.Config.defaults()
        .withHost("127.0.0.1").withEndpoints(List.of(
            new HttpLifecycleManager.Endpoint("/quitquitquit", waits),
            new HttpLifecycleManager.Endpoint("/abortabortabort", waits))));
    t.start(LiveTasks.START);
    Path fifo = runner.sandbox().resolve("ctl");
    LiveTasks.awaitFile(fifo, Duration.ofSeconds(30));
    return t;
  }

  @RepeatedTest(50)
  void taskExitsEarlyOnQuitquitquit() throws Exception {
    TaskLifecycle t = start(server.getAddress().getPort(), Duration.ofSeconds(5));
    quitFifo = runner.sandbox().resolve("ctl");
    long t0 = System.nanoTime();
    assertEquals(Optional.of(TaskState.SUCCESS), t.stop(Duration.ofSeconds(30)));
    assertTrue(ms(t0) < 5000, "the 5 s wait ended early: " + ms(t0) + " ms");
    assertEquals(List.of("POST /quitquitquit"), calls);
    assertEquals(Optional.of(new StatusResult(ExecutorState.FINISHED, "Task finished.")),
        t.status());
  }

  @RepeatedTest(50)
  void deliveredButIgnoredThenKilled() throws Exception {
    TaskLifecycle t = start(server.getAddress().getPort(), Duration.ofMillis(200));
    long t0 = System.nanoTime();
    assertEquals(Optional.of(TaskState.KILLED), t.stop(Duration.ofSeconds(30)));
    assertTrue(ms(t0) >= 400, "waited after each delivered request: " + ms(t0) + " ms");
    assertEquals(List.of("POST /quitquitquit", "POST /abortabortabort"), calls,
        "a 503 is delivered too");
  }

  @RepeatedTest(50)
  void notDeliveredMovesOnAtOnce() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    TaskLifecycle t = start(closedPort, Duration.ofSeconds(5));
    long t0 = System.nanoTime();
    assertEquals(Optional.of(TaskState.KILLED), t.stop(Duration.ofSeconds(30)));
    assertTrue(ms(t0) < 5000, "no wait after an undelivered request: " + ms(t0) + " ms");
    assertEquals(List.of(), calls);
  }
}
