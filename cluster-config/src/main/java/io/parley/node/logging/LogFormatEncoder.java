package io.parley.node.logging;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import net.logstash.logback.encoder.LogstashEncoder;

/**
 * The node's log lines as text or as JSON, chosen by {@code format} ({@code PARLEY_LOG_FORMAT} in
 * {@code logback.xml}): {@code json} writes one JSON object per line (logstash-logback-encoder:
 * time, level, logger, thread, message, stack trace, every MDC entry such as {@code roomId},
 * {@code userId} and {@code sessionId}, and the node's address {@code node}); anything else
 * writes {@code pattern}. An unknown format is text, so that a typo never silences a node.
 */
public final class LogFormatEncoder extends EncoderBase<ILoggingEvent> {

  private String format = "text";
  private String pattern = "%d %-5level %logger %msg%n";
  private Encoder<ILoggingEvent> delegate;

  public void setFormat(String format) {
    this.format = format;
  }

  public void setPattern(String pattern) {
    this.pattern = pattern;
  }

  /** Whether lines are JSON. */
  public boolean json() {
    return format.trim().toLowerCase(Locale.ROOT).equals("json");
  }

  @Override
  public void start() {
    if (json()) {
      LogstashEncoder encoder = new LogstashEncoder();
      encoder.setContext(getContext());
      // the logback version field says nothing about Parley
      encoder.getFieldNames().setVersion("[ignore]");
      encoder.start();
      delegate = encoder;
    } else {
      if (!format.trim().toLowerCase(Locale.ROOT).equals("text")) {
        addWarn("PARLEY_LOG_FORMAT=" + format + " is neither text nor json: writing text");
      }
      PatternLayoutEncoder encoder = new PatternLayoutEncoder();
      encoder.setContext(getContext());
      encoder.setPattern(pattern);
      encoder.setCharset(StandardCharsets.UTF_8);
      encoder.start();
      delegate = encoder;
    }
    super.start();
  }

  @Override
  public void stop() {
    if (delegate != null) {
      delegate.stop();
    }
    super.stop();
  }

  @Override
  public byte[] headerBytes() {
    return delegate.headerBytes();
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    return delegate.encode(event);
  }

  @Override
  public byte[] footerBytes() {
    return delegate.footerBytes();
  }
}
