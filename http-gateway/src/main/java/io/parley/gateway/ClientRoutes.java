package io.parley.gateway;

import java.util.List;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The JavaScript client SDK ({@code sdk/} in the repository, copied into this module's jar under
 * {@value #RESOURCES} at build time): {@code GET /sdk/parley.js}, an ES module a page imports
 * from the node it talks to, and {@code GET /sdk/parley.d.ts}, its TypeScript declarations.
 *
 * <p>Cached for {@value #MAX_AGE_SECONDS} s, then revalidated: Pekko adds {@code ETag} and
 * {@code Last-Modified} and answers a conditional request with 304, so a node running a newer
 * SDK is picked up within minutes. Any origin may load them ({@code
 * Access-Control-Allow-Origin: *}, which a cross-origin module script needs): they are the same
 * public files for everyone.
 */
public final class ClientRoutes extends AllDirectives {

  /** Where the build puts the SDK's files in the class path. */
  public static final String RESOURCES = "web/sdk";

  static final int MAX_AGE_SECONDS = 300;

  // written out in lower case as the files' own tooling does; Pekko's UTF_8 renders "UTF-8"
  private static final ContentType JAVASCRIPT =
      ContentTypes.create(
          MediaTypes.customWithOpenCharset("text", "javascript", Map.of(), true, "js", "mjs"),
          HttpCharsets.custom("utf-8"));
  private static final ContentType TYPESCRIPT =
      ContentTypes.create(
          MediaTypes.customWithOpenCharset("application", "typescript", Map.of(), true, "ts"),
          HttpCharsets.custom("utf-8"));

  private static final List<HttpHeader> HEADERS =
      List.of(
          HttpHeader.parse("Cache-Control", "public, max-age=" + MAX_AGE_SECONDS),
          HttpHeader.parse("Access-Control-Allow-Origin", "*"),
          HttpHeader.parse("X-Content-Type-Options", "nosniff"));

  public Route routes() {
    return pathPrefix(
        "sdk",
        () ->
            get(
                () ->
                    respondWithHeaders(
                        HEADERS,
                        () ->
                            concat(
                                path("parley.js", () -> file("parley.js", JAVASCRIPT)),
                                path("parley.d.ts", () -> file("parley.d.ts", TYPESCRIPT))))));
  }

  private Route file(String name, ContentType contentType) {
    return getFromResource(
        RESOURCES + "/" + name, contentType, ClientRoutes.class.getClassLoader());
  }
}
