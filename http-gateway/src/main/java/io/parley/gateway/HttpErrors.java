package io.parley.gateway;

import io.parley.protocol.FrameEncoder;
import java.util.List;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;

/** HTTP error answers in the protocol's JSON shape: {@code {"code", "field", "message"}}. */
public final class HttpErrors {

  private final FrameEncoder encoder;

  public HttpErrors(FrameEncoder encoder) {
    this.encoder = encoder;
  }

  /** {@code field} may be null. */
  public HttpResponse response(StatusCode status, String code, String field, String message) {
    return response(status, code, field, message, List.of());
  }

  public HttpResponse response(
      StatusCode status, String code, String field, String message, List<HttpHeader> headers) {
    return HttpResponse.create()
        .withStatus(status)
        .addHeaders(headers)
        .withEntity(
            HttpEntities.create(
                ContentTypes.APPLICATION_JSON, encoder.httpError(code, field, message)));
  }

  /** A refused token: {@code {"code", "reason", "message"}}. */
  public HttpResponse authResponse(
      StatusCode status, String code, String reason, String message, List<HttpHeader> headers) {
    return HttpResponse.create()
        .withStatus(status)
        .addHeaders(headers)
        .withEntity(
            HttpEntities.create(
                ContentTypes.APPLICATION_JSON, encoder.httpAuthError(code, reason, message)));
  }
}
