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
 * What a browser loads from a node: the JavaScript client SDK and the demo page. Both live in
 * the repository's {@code sdk/} folder and are copied into this module's jar at build time.
 *
 * <ul>
 *   <li>{@code GET /sdk/parley.js}, an ES module a page imports from the node it talks to, and
 *       {@code GET /sdk/parley.d.ts}, its TypeScript declarations ({@code sdk/}, under {@value
 *       #RESOURCES}). Cached for {@value #MAX_AGE_SECONDS} s, then revalidated: Pekko adds {@code
 *       ETag} and {@code Last-Modified} and answers a conditional request with 304, so a node
 *       running a newer SDK is picked up within minutes. Any origin may load them ({@code
 *       Access-Control-Allow-Origin: *}, which a cross-origin module script needs): they are the
 *       same public files for everyone.
 *   <li>{@code GET /}, the demo page ({@code sdk/demo/index.html}), and its script and style
 *       sheet at {@code /demo/demo.js} and {@code /demo/demo.css} (under {@value
 *       #DEMO_RESOURCES}). Revalidated on every load ({@code no-cache}, 304 when unchanged). The
 *       page gets a Content-Security-Policy that allows only this node's own scripts, styles and
 *       connections (no inline script, no plugin, no framing): the page renders user text as text,
 *       and the policy is a second line should that ever slip.
 * </ul>
 *
 * <p>Nothing else is served: no directory listing, no other file of those folders.
 */
public final class ClientRoutes extends AllDirectives {

  /** Where the build puts the SDK's files in the class path. */
  public static final String RESOURCES = "web/sdk";

  /** Where the build puts the demo page's files in the class path. */
  public static final String DEMO_RESOURCES = "web/demo";

  static final int MAX_AGE_SECONDS = 300;

  /** The demo page's policy: its own scripts, styles, images and connections only. */
  static final String DEMO_CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  // written out in lower case as the files' own tooling does; Pekko's UTF_8 renders "UTF-8"
  private static final ContentType JAVASCRIPT =
      ContentTypes.create(
          MediaTypes.customWithOpenCharset("text", "javascript", Map.of(), true, "js", "mjs"),
          HttpCharsets.custom("utf-8"));
  private static final ContentType TYPESCRIPT =
      ContentTypes.create(
          MediaTypes.customWithOpenCharset("application", "typescript", Map.of(), true, "ts"),
          HttpCharsets.custom("utf-8"));
  private static final ContentType HTML =
      ContentTypes.create(
          MediaTypes.customWithOpenCharset("text", "html", Map.of(), true, "html"),
          HttpCharsets.custom("utf-8"));
  private static final ContentType CSS =
      ContentTypes.create(
          MediaTypes.customWithOpenCharset("text", "css", Map.of(), true, "css"),
          HttpCharsets.custom("utf-8"));

  private static final List<HttpHeader> HEADERS =
      List.of(
          HttpHeader.parse("Cache-Control", "public, max-age=" + MAX_AGE_SECONDS),
          HttpHeader.parse("Access-Control-Allow-Origin", "*"),
          HttpHeader.parse("X-Content-Type-Options", "nosniff"));

  private static final List<HttpHeader> DEMO_HEADERS =
      List.of(
          HttpHeader.parse("Cache-Control", "no-cache"),
          HttpHeader.parse("X-Content-Type-Options", "nosniff"),
          HttpHeader.parse("Referrer-Policy", "no-referrer"),
          HttpHeader.parse("Content-Security-Policy", DEMO_CONTENT_SECURITY_POLICY));

  public Route routes() {
    return concat(sdk(), demo());
  }

  private Route sdk() {
    return pathPrefix(
        "sdk",
        () ->
            get(
                () ->
                    respondWithHeaders(
                        HEADERS,
                        () ->
                            concat(
                                path("parley.js", () -> file(RESOURCES, "parley.js", JAVASCRIPT)),
                                path(
                                    "parley.d.ts",
                                    () -> file(RESOURCES, "parley.d.ts", TYPESCRIPT))))));
  }

  private Route demo() {
    return concat(
        pathSingleSlash(() -> demoFile("index.html", HTML)),
        pathPrefix(
            "demo",
            () ->
                concat(
                    path("demo.js", () -> demoFile("demo.js", JAVASCRIPT)),
                    path("demo.css", () -> demoFile("demo.css", CSS)))));
  }

  private Route demoFile(String name, ContentType contentType) {
    return get(
        () -> respondWithHeaders(DEMO_HEADERS, () -> file(DEMO_RESOURCES, name, contentType)));
  }

  private Route file(String folder, String name, ContentType contentType) {
    return getFromResource(folder + "/" + name, contentType, ClientRoutes.class.getClassLoader());
  }
}
