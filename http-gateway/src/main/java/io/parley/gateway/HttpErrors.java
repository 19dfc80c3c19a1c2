package io.parley.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;

/**
 * HTTP error answers, every one of them in one JSON shape: {@code {"code", "message"}}, with
 * {@code field} when one field of the request is at fault, or {@code reason} when a token was
 * refused. Both ports answer this way ({@link HttpErrorHandling} turns Pekko's own refusals into
 * it).
 */
public final class HttpErrors {

  private static final ObjectMapper JSON = new ObjectMapper();

  public HttpErrors() {}

  /** {@code field} may be null: the answer then has none. */
  public HttpResponse response(StatusCode status, String code, String field, String message) {
    return response(status, code, field, message, List.of());
  }

  public HttpResponse response(
      StatusCode status, String code, String field, String message, List<HttpHeader> headers) {
    return json(status, body(code, "field", field, message), headers);
  }

  /** A refused token: {@code {"code", "reason", "message"}}. */
  public HttpResponse authResponse(
      StatusCode status, String code, String reason, String message, List<HttpHeader> headers) {
    return json(status, body(code, "reason", reason, message), headers);
  }

  /** The body of an error answer; {@code detail} (a field or a reason) is left out when null. */
  public static String body(String code, String detailName, String detail, String message) {
    ObjectNode body = JSON.createObjectNode();
    body.put("code", code);
    if (detail != null) {
      body.put(detailName, detail);
    }
    body.put("message", message);
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static HttpResponse json(StatusCode status, String body, List<HttpHeader> headers) {
    return HttpResponse.create()
        .withStatus(status)
        .addHeaders(headers)
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body));
  }
}
