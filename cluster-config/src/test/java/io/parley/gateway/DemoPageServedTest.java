package io.parley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.testing.ParleyNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node serves the demo page of the repository's {@code sdk/demo/} folder at {@code /}, with its
 * script and style sheet under {@code /demo/}, each with its content type, revalidated on every
 * load, and the page with a Content-Security-Policy that allows only the node's own scripts,
 * styles and connections. Nothing else of the folder is served. (The page itself is tested in
 * a browser: {@code sdk/test/browser/}.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoPageServedTest {

  @RegisterExtension final ParleyNode server = new ParleyNode();

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).GET();
    if (headers.length > 0) {
      request.headers(headers);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private static String file(String name) throws Exception {
    return Files.readString(Path.of("../sdk/demo", name), StandardCharsets.UTF_8);
  }

  @Test
  void servesThePageAtTheRootWithItsPolicyAndRevalidation() throws Exception {
    HttpResponse<String> page = get("/");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(page.body()).isEqualTo(file("index.html"));
    assertThat(page.headers().firstValue("Content-Security-Policy"))
        .hasValue(ClientRoutes.DEMO_CONTENT_SECURITY_POLICY);
    assertThat(ClientRoutes.DEMO_CONTENT_SECURITY_POLICY)
        .contains("script-src 'self'", "connect-src 'self'", "default-src 'none'")
        .doesNotContain("unsafe-inline", "unsafe-eval");
    assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-cache");
    assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");

    HttpResponse<String> again =
        get("/", "If-None-Match", page.headers().firstValue("ETag").orElseThrow());
    assertThat(again.statusCode()).isEqualTo(304);
  }

  @Test
  void servesEveryFileThePageReferencesAndTheScriptUsesTheServedSdk() throws Exception {
    String html = get("/").body();
    List<String> references = new ArrayList<>();
    Matcher matcher = Pattern.compile("(?:src|href)=\"(/[^\"]*)\"").matcher(html);
    while (matcher.find()) {
      references.add(matcher.group(1));
    }
    assertThat(references).contains("/demo/demo.js", "/demo/demo.css", "/sdk/parley.js");
    for (String reference : references) {
      assertThat(get(reference).statusCode()).as(reference).isEqualTo(200);
    }

    HttpResponse<String> script = get("/demo/demo.js");
    assertThat(script.headers().firstValue("Content-Type"))
        .hasValue("text/javascript; charset=utf-8");
    assertThat(script.body())
        .isEqualTo(file("demo.js"))
        .contains("import { ParleyClient, publicRooms } from '/sdk/parley.js'");
    HttpResponse<String> style = get("/demo/demo.css");
    assertThat(style.headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
    assertThat(style.body()).isEqualTo(file("demo.css"));
  }

  @Test
  void thePageNeverWritesHtmlFromStringsAndHasNoInlineScriptOrStyle() throws Exception {
    String script = file("demo.js");
    // user text reaches the page through textContent and attributes only
    assertThat(script)
        .doesNotContain(".innerHTML", ".outerHTML", "insertAdjacentHTML", "document.write");
    assertThat(script).doesNotContain("eval(", "new Function");
    String html = file("index.html");
    // the policy would block them: the page must not depend on any
    assertThat(html).doesNotContainPattern("<script(?![^>]*\\bsrc=)").doesNotContain("style=\"");
    assertThat(html).doesNotContainPattern("\\son[a-z]+=");
  }

  @Test
  void servesNothingElse() throws Exception {
    for (String path :
        List.of(
            "/index.html",
            "/demo/",
            "/demo/index.html",
            "/demo/missing.js",
            "/demo/../pom.xml",
            "/demo/demo.js/x",
            "/web/demo/demo.js")) {
      assertThat(get(path).statusCode()).as(path).isEqualTo(404);
    }
    HttpRequest post =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
            .POST(HttpRequest.BodyPublishers.ofString("x"))
            .build();
    assertThat(http.send(post, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
  }
}
