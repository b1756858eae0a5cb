package dev.vigil.app.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.util.Iterator;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Switches the console log between text for people and JSON for log shippers ({@code
 * log.format=json}): one JSON object per line with timestamp, level, thread, logger, the formatted
 * message, MDC and the exception. Message arguments are not repeated as separate fields, so a value
 * passed to a log call is never written twice, and a stack trace stays on its line.
 */
public final class LogFormat {

  /** The text format. */
  public static final String TEXT = "text";

  /** The JSON format. */
  public static final String JSON = "json";

  private LogFormat() {}

  /**
   * Applies a format to every appender of the root logger that writes to a stream; a no-op when
   * Logback is not the SLF4J backend.
   *
   * @param format {@link #TEXT} or {@link #JSON}
   */
  public static synchronized void use(String format) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext context) || !JSON.equals(format)) {
      return;
    }
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      if (it.next() instanceof OutputStreamAppender<ILoggingEvent> appender
          && !(appender.getEncoder() instanceof JsonEncoder)) {
        // Swapped in place: stopping would close the appender's stream for good.
        Encoder<ILoggingEvent> json = json(context);
        appender.setEncoder(json);
      }
    }
  }

  private static JsonEncoder json(LoggerContext context) {
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(context);
    encoder.setWithSequenceNumber(false);
    encoder.setWithNanoseconds(false);
    encoder.setWithContext(false);
    encoder.setWithMessage(false);
    encoder.setWithArguments(false);
    encoder.setWithFormattedMessage(true);
    encoder.setWithKVPList(true);
    encoder.setWithMDC(true);
    encoder.setWithThrowable(true);
    encoder.start();
    return encoder;
  }
}
