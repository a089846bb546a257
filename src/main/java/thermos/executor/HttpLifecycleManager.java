package thermos.executor;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import thermos.common.Clock;
import thermos.proto.TaskState;

/**
 * HTTP lifecycle teardown (Thermos' HttpLifecycleManager, SEMANTICS.md §1h): before the kill,
 * POST each endpoint ({@code /quitquitquit}, then {@code /abortabortabort}) to the task's
 * lifecycle port; after a delivered request wait up to the endpoint's wait — ending early as
 * soon as the task is over (checkpoint events, not a 1 s poll); after an undelivered one move on
 * at once. Then the wrapped runner's stop.
 *
 * <p>The stop deadline still holds: the HTTP phase only spends what the runner's stop does not
 * need to keep its whole grace ({@link TaskLifecycle#minimumStopTimeout()}); its requests and
 * waits are cut to that.
 */
public final class HttpLifecycleManager implements TaskLifecycle {
  private static final Logger log = LoggerFactory.getLogger(HttpLifecycleManager.class);

  /** One lifecycle request and how long to give the task after it is delivered. */
  public record Endpoint(String path, Duration waitAfter) {
    public Endpoint {
      if (!path.startsWith("/")) {
        throw new IllegalArgumentException("endpoint must start with '/': " + path);
      }
    }
  }

  /**
   * @param portName the task port that serves the endpoints (Thermos: {@code health})
   * @param requestTimeout per request (Thermos: 1 s, or {@code AURORA_HTTP_SIGNALER_TIMEOUT_SECS})
   */
  public record Config(String portName, List<Endpoint> endpoints, Duration requestTimeout,
      String host) {
    public Config {
      endpoints = List.copyOf(endpoints);
      Objects.requireNonNull(portName);
      Objects.requireNonNull(requestTimeout);
      Objects.requireNonNull(host);
    }

    /** Thermos' defaults: port {@code health}, /quitquitquit and /abortabortabort, 5 s each. */
    public static Config defaults() {
      return new Config("health", List.of(new Endpoint("/quitquitquit", Duration.ofSeconds(5)),
          new Endpoint("/abortabortabort", Duration.ofSeconds(5))), defaultRequestTimeout(),
          "localhost");
    }

    public Config withPortName(String name) {
      return new Config(name, endpoints, requestTimeout, host);
    }

    public Config withEndpoints(List<Endpoint> e) {
      return new Config(portName, e, requestTimeout, host);
    }

    public Config withRequestTimeout(Duration d) {
      return new Config(portName, endpoints, d, host);
    }

    public Config withHost(String h) {
      return new Config(portName, endpoints, requestTimeout, h);
    }

    private static Duration defaultRequestTimeout() {
      String env = System.getenv("AURORA_HTTP_SIGNALER_TIMEOUT_SECS");
      try {
        if (env != null && !env.isBlank()) {
          return Duration.ofMillis(Math.round(Double.parseDouble(env.trim()) * 1000));
        }
      } catch (NumberFormatException e) {
        log.warn("ignoring AURORA_HTTP_SIGNALER_TIMEOUT_SECS={}", env);
      }
      return Duration.ofSeconds(1);
    }
  }

  private final TaskLifecycle runner;
  private final Config config;
  private final int port;
  private final HttpSignaler signaler;
  private final Clock clock;
  private volatile boolean started;

  private HttpLifecycleManager(TaskLifecycle runner, Config config, int port,
      HttpSignaler signaler, Clock clock) {
    this.runner = runner;
    this.config = config;
    this.port = port;
    this.signaler = signaler;
    this.clock = clock;
  }

  /** Wraps {@code runner} if its ports include the lifecycle port; else returns it unchanged. */
  public static TaskLifecycle wrap(TaskLifecycle runner, Config config) {
    return wrap(runner, config, new JdkHttpSignaler(), Clock.SYSTEM);
  }

  public static TaskLifecycle wrap(TaskLifecycle runner, Config config, HttpSignaler signaler,
      Clock clock) {
    Integer port = runner.ports().get(config.portName());
    if (port == null) {
      return runner;
    }
    return new HttpLifecycleManager(runner, config, port, signaler, clock);
  }

  @Override
  public void start(Duration timeout) throws TaskError, InterruptedException {
    started = true;
    runner.start(timeout);
  }

  @Override
  public Optional<TaskState> stop(Duration timeout) throws TaskError, InterruptedException {
    if (!started) {
      throw new TaskError("Failed to call TaskRunner.start.");
    }
    long deadline = clock.nanoTime() + timeout.toNanos();
    long httpUntil = deadline - runner.minimumStopTimeout().toNanos();
    for (Endpoint e : config.endpoints()) {
      if (runner.status().isPresent()) {
        break; // the task is over: nothing left to ask
      }
      long now = clock.nanoTime();
      if (now >= httpUntil) {
        log.info("no time left for {} within the stop deadline", e.path());
        break;
      }
      Duration left = Duration.ofNanos(httpUntil - now);
      boolean delivered = signaler.post(config.host(), port, e.path(),
          min(config.requestTimeout(), left));
      if (!delivered) {
        continue; // not delivered: do not wait (Thermos 10e75fc1e)
      }
      Duration wait = min(e.waitAfter(), Duration.ofNanos(httpUntil - clock.nanoTime()));
      if (!wait.isNegative() && !wait.isZero() && runner.awaitTerminal(wait)) {
        log.info("task ended after {}", e.path());
        break;
      }
    }
    return runner.stop(Duration.ofNanos(deadline - clock.nanoTime()));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  @Override
  public Optional<StatusResult> status() {
    return runner.status();
  }

  @Override
  public String name() {
    return runner.name();
  }

  @Override
  public void addListener(Runnable onChange) {
    runner.addListener(onChange);
  }

  @Override
  public boolean awaitTerminal(Duration timeout) throws InterruptedException {
    return runner.awaitTerminal(timeout);
  }

  @Override
  public Duration minimumStopTimeout() {
    return runner.minimumStopTimeout();
  }

  @Override
  public Map<String, Integer> ports() {
    return runner.ports();
  }
}
