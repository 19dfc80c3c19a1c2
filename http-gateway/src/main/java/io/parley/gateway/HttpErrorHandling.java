package io.parley.gateway;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MalformedHeaderRejection;
import org.apache.pekko.http.javadsl.server.MalformedQueryParamRejection;
import org.apache.pekko.http.javadsl.server.MissingHeaderRejection;
import org.apache.pekko.http.javadsl.server.MissingQueryParamRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.http.scaladsl.model.IllegalRequestException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every error a port answers in the one JSON shape of {@link HttpErrors}: Pekko's own refusals
 * (404 for an unknown path, 405 for a method a path does not take, 400 for a missing or malformed
 * parameter or header), failures (500, logged; 503 for a timeout) and a request that took too
 * long (503). Used around the gateway's routes and the management port's. Requests too malformed
 * to reach a route are {@link JsonParsingErrors}.
 */
public final class HttpErrorHandling extends AllDirectives {

  private static final Logger log = LoggerFactory.getLogger(HttpErrorHandling.class);

  private final HttpErrors errors;
  private final IntConsumer errorStatus;
  private final RejectionHandler rejections;
  private final ExceptionHandler exceptions;

  /** {@code errorStatus} is told the status of every answer of 400 or more (for the meters). */
  public HttpErrorHandling(HttpErrors errors, IntConsumer errorStatus) {
    this.errors = errors;
    this.errorStatus = errorStatus;
    this.rejections =
        RejectionHandler.newBuilder()
            .handle(
                MissingQueryParamRejection.class,
                r -> invalidField(r.parameterName(), "the query parameter is required"))
            .handle(
                MalformedQueryParamRejection.class,
                r -> invalidField(r.parameterName(), "malformed: " + r.errorMsg()))
            .handle(
                MissingHeaderRejection.class,
                r -> invalidField(r.headerName(), "the header is required"))
            .handle(
                MalformedHeaderRejection.class,
                r -> invalidField(r.headerName(), "malformed: " + r.errorMsg()))
            .build()
            .withFallback(RejectionHandler.defaultHandler().mapRejectionResponse(this::asJson));
    this.exceptions = ExceptionHandler.newBuilder().matchAny(this::failed).build();
  }

  /** {@code inner}, with every refusal, failure and timeout answered as JSON. */
  public Route around(Supplier<Route> inner) {
    return mapResponse(
        this::counted,
        () ->
            withRequestTimeoutResponse(
                this::timedOut,
                () -> handleExceptions(exceptions, () -> handleRejections(rejections, inner))));
  }

  /** The error code of an HTTP status, for answers that have no more specific one. */
  public static String codeOf(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 401 -> "unauthenticated";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 406 -> "not_acceptable";
      case 408 -> "request_timeout";
      case 413 -> "payload_too_large";
      case 414 -> "uri_too_long";
      case 415 -> "unsupported_media_type";
      case 429 -> "too_many_requests";
      case 431 -> "headers_too_large";
      case 500 -> "internal_error";
      case 501 -> "not_implemented";
      case 503 -> "unavailable";
      case 505 -> "http_version_not_supported";
      default -> status >= 500 ? "server_error" : "bad_request";
    };
  }

  private HttpResponse counted(HttpResponse response) {
    if (response.status().intValue() >= 400) {
      errorStatus.accept(response.status().intValue());
    }
    return response;
  }

  private Route invalidField(String field, String message) {
    return complete(errors.response(StatusCodes.BAD_REQUEST, "invalid_field", field, message));
  }

  /** Pekko's own refusal (plain text) in the JSON shape, its status and headers kept. */
  private HttpResponse asJson(HttpResponse response) {
    if (response.entity().getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)) {
      return response;
    }
    String message =
        response.entity() instanceof HttpEntity.Strict strict && !strict.getData().isEmpty()
            ? strict.getData().utf8String()
            : response.status().reason();
    return response.withEntity(
        HttpEntities.create(
            ContentTypes.APPLICATION_JSON,
            HttpErrors.body(codeOf(response.status().intValue()), null, null, message)));
  }

  private Route failed(Throwable failure) {
    Throwable cause = unwrapped(failure);
    if (cause instanceof IllegalRequestException illegal) {
      return error(illegal.status(), illegal.info().summary());
    }
    if (cause instanceof EntityStreamSizeException tooLarge) {
      return error(StatusCodes.CONTENT_TOO_LARGE, "the request's body is too large");
    }
    if (cause instanceof TimeoutException) {
      log.info("a request timed out: {}", cause.getMessage());
      return error(StatusCodes.SERVICE_UNAVAILABLE, "the server did not answer in time; retry");
    }
    return extractRequest(
        request -> {
          // the path only: a query string may hold a token
          log.error(
              "{} {} failed", request.method().value(), request.getUri().path(), cause);
          return error(
              StatusCodes.INTERNAL_SERVER_ERROR,
              "the server failed to answer this request; its log says why");
        });
  }

  private Route error(StatusCode status, String message) {
    return complete(errors.response(status, codeOf(status.intValue()), null, message));
  }

  private HttpResponse timedOut(HttpRequest request) {
    errorStatus.accept(503);
    return errors.response(
        StatusCodes.SERVICE_UNAVAILABLE,
        codeOf(503),
        null,
        "the server did not answer in time; retry");
  }

  private static Throwable unwrapped(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
