package io.parley.node.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.parley.metrics.ParleyMetrics;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.util.ByteString;

/**
 * {@code GET /metrics}: the node's meters in Prometheus's text format (version 0.0.4). One of
 * the operator's routes on the management port ({@code OperatorRoutes}), behind its credential.
 */
public final class MetricsRoute {

  /** What Prometheus expects of the text format. */
  private static final ContentType TEXT_FORMAT =
      org.apache.pekko.http.scaladsl.model.ContentType.parse(
              "text/plain; version=0.0.4; charset=utf-8")
          .toOption()
          .get();

  private MetricsRoute() {}

  public static Route of(ClassicActorSystemProvider system) {
    if (!(ParleyMetrics.get(system).registry() instanceof PrometheusMeterRegistry registry)) {
      return Directives.reject();
    }
    return Directives.path(
        "metrics",
        () ->
            Directives.get(
                () ->
                    Directives.complete(
                        HttpResponse.create()
                            .withEntity(HttpEntities.create(TEXT_FORMAT, ByteString.fromString(registry.scrape()))))));
  }
}
