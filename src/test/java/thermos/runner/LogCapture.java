package thermos.runner;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Collects what the code under test logs (logback's root logger), for assertions. */
final class LogCapture implements AutoCloseable {
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  LogCapture() {
    appender.start();
    root.addAppender(appender);
  }

  /** Each event as "LEVEL message", with its exception's message if it has one. */
  List<String> lines() {
    return appender.list.stream().map(e -> {
      IThrowableProxy t = e.getThrowableProxy();
      return e.getLevel() + " " + e.getFormattedMessage()
          + (t == null ? "" : " [" + t.getClassName() + ": " + t.getMessage() + "]");
    }).toList();
  }

  String text() {
    return String.join("\n", lines());
  }

  @Override
  public void close() {
    root.detachAppender(appender);
  }
}
