package thermos.executor;

import java.time.Duration;

/** Sends a task's HTTP lifecycle requests (real: {@link JdkHttpSignaler}). */
@FunctionalInterface
public interface HttpSignaler {
  /**
   * POSTs an empty body to {@code http://HOST:PORT ENDPOINT}.
   *
   * @return true if the request was delivered: any HTTP response, 4xx and 5xx included; false
   *     if it was not (connection refused, timed out)
   */
  boolean post(String host, int port, String endpoint, Duration timeout)
      throws InterruptedException;
}
