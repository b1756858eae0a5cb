package dev.vigil.app.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogFormatTest {

  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private OutputStreamAppender<ILoggingEvent> appender;

  @AfterEach
  void detach() {
    if (appender != null) {
      root.detachAppender(appender);
      appender.stop();
    }
  }

  @Test
  void shouldWriteOneJsonObjectPerLineWithoutRepeatingArguments() throws Exception {
    // Given a stream appender on the root logger, switched to JSON
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    appender = new OutputStreamAppender<>();
    appender.setContext(context);
    appender.setName("test-json");
    appender.setEncoder(new ch.qos.logback.classic.encoder.PatternLayoutEncoder());
    ((ch.qos.logback.classic.encoder.PatternLayoutEncoder) appender.getEncoder())
        .setPattern("%msg%n");
    appender.getEncoder().setContext(context);
    appender.getEncoder().start();
    appender.setOutputStream(out);
    appender.start();
    root.addAppender(appender);
    LogFormat.use(LogFormat.JSON);
    assertThat(appender.getEncoder()).isInstanceOf(JsonEncoder.class);

    // When a message with an argument and one with a multi-line exception are logged
    org.slf4j.Logger log = LoggerFactory.getLogger("dev.vigil.test");
    log.info("Policy {} is now in force.", "v7");
    log.warn("It failed.", new IllegalStateException("first line\nsecond line"));

    // Then each is one line of JSON with the formatted message and no separate arguments
    String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\n");
    assertThat(lines).hasSize(2);
    ObjectMapper json = new ObjectMapper();
    JsonNode first = json.readTree(lines[0]);
    assertThat(first.path("formattedMessage").asText()).isEqualTo("Policy v7 is now in force.");
    assertThat(first.path("level").asText()).isEqualTo("INFO");
    assertThat(first.path("loggerName").asText()).isEqualTo("dev.vigil.test");
    assertThat(first.has("arguments")).isFalse();
    JsonNode second = json.readTree(lines[1]);
    assertThat(second.path("throwable").toString()).contains("first line");
  }

  @Test
  void shouldLeaveTextLogsAloneForTheTextFormat() {
    // Given a stream appender with a pattern
    appender = new OutputStreamAppender<>();
    appender.setContext(context);
    var encoder = new ch.qos.logback.classic.encoder.PatternLayoutEncoder();
    encoder.setPattern("%msg%n");
    encoder.setContext(context);
    encoder.start();
    appender.setEncoder(encoder);
    appender.setOutputStream(new ByteArrayOutputStream());
    appender.start();
    root.addAppender(appender);

    // When text is asked for
    LogFormat.use(LogFormat.TEXT);

    // Then the encoder is unchanged
    assertThat(appender.getEncoder()).isSameAs(encoder);
  }
}
