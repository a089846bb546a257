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
 * request, response — is bounded by the timeout.
 */
public final class JdkHttpSignaler implements HttpSignaler {
  private static final Logger log = LoggerFactory.getLogger(JdkHttpSignaler.class);

  @Override
  public boolean post(String host, int port, String endpoint, Duration timeout)
      throws InterruptedException {
    if (timeout.isZero() || timeout.isNegative()) {
      return false;
    }
    URI uri = URI.create("http://" + host + ":" + port + endpoint);
    HttpClient client = HttpClient.newBuilder().connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NEVER).build();
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout)
        .POST(HttpRequest.BodyPublishers.noBody()).build();
    CompletableFuture<HttpResponse<Void>> response =
        client.sendAsync(request, HttpResponse.BodyHandlers.discarding());
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
