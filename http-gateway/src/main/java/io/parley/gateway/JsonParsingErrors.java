package io.parley.gateway;

import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * The answer to a request too malformed to reach any route (a bad request line, headers too
 * large, an unsupported HTTP version), in the JSON shape of {@link HttpErrors}, on every port of
 * the node: {@code pekko.http.server.parsing.error-handler} names this class. Logged at DEBUG,
 * without the request: its target may hold a token.
 */
public final class JsonParsingErrors extends ParsingErrorHandler {

  public JsonParsingErrors() {}

  @Override
  public HttpResponse handle(
      StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
    log.debug("refused a malformed request with {}", status.intValue());
    return HttpResponse.create()
        .withStatus(status)
        .withEntity(
            HttpEntities.create(
                ContentTypes.APPLICATION_JSON,
                HttpErrors.body(
                    HttpErrorHandling.codeOf(status.intValue()), null, null, info.summary())));
  }
}
