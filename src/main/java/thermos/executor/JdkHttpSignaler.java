package thermos.executor;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link HttpSignaler} on {@link java.net.http.HttpClient}. The whole exchange — connect,
 * request, response — is bounded by the timeout. One client (and so one selector thread) per
 * signaler, made on first use: a stop posts two requests, most tasks none.
 */
public final class JdkHttpSignaler implements HttpSignaler {
  private static final Logger log = LoggerFactory.getLogger(JdkHttpSignaler.class);

  private HttpClient client; // guarded by this

  private synchronized HttpClient client() {
    if (client == null) {
      client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    }
    return client;
  }

  @Override
  public boolean post(String host, int port, String endpoint, Duration timeout)
      throws InterruptedException {
    if (timeout.isZero() || timeout.isNegative()) {
      return false;
    }
    URI uri = URI.create("http://" + host + ":" + port + endpoint);
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout)
        .POST(HttpRequest.BodyPublishers.noBody()).build();
    CompletableFuture<HttpResponse<Void>> response =
        client().sendAsync(request, HttpResponse.BodyHandlers.discarding());
    try {
      int code = response.get(timeout.toNanos(), TimeUnit.NANOSECONDS).statusCode();
      log.info("POST {}: HTTP {}", uri, code);
      return true;
    } catch (ExecutionException e) {
      log.info("POST {} not delivered: {}", uri, e.getCause().toString());
      return false;
    } catch (TimeoutException e) {
      response.cancel(true);
      log.info("POST {} not delivered: no response within {} ms", uri, timeout.toMillis());
      return false;
    }
  }
}
