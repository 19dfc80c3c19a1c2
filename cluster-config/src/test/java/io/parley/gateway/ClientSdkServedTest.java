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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node serves the JavaScript client SDK of the repository's {@code sdk/} folder (copied into
 * the gateway's jar by the build) at {@code /sdk/parley.js} and {@code /sdk/parley.d.ts}, with
 * its content type and caching headers, and revalidates it with 304.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientSdkServedTest {

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

  @Test
  void servesTheModuleAsJavaScriptWithCachingHeaders() throws Exception {
    HttpResponse<String> response = get("/sdk/parley.js");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValue("text/javascript; charset=utf-8");
    assertThat(response.body())
        .isEqualTo(Files.readString(Path.of("../sdk/parley.js"), StandardCharsets.UTF_8))
        .contains("export class ParleyClient");
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("public, max-age=300");
    assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
    assertThat(response.headers().firstValue("ETag")).isPresent();
    assertThat(response.headers().firstValue("Last-Modified")).isPresent();

    HttpResponse<String> again =
        get("/sdk/parley.js", "If-None-Match", response.headers().firstValue("ETag").orElseThrow());
    assertThat(again.statusCode()).isEqualTo(304);
  }

  @Test
  void servesTheTypeDeclarations() throws Exception {
    HttpResponse<String> response = get("/sdk/parley.d.ts");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValue("application/typescript; charset=utf-8");
    assertThat(response.body())
        .isEqualTo(Files.readString(Path.of("../sdk/parley.d.ts"), StandardCharsets.UTF_8));
  }

  @Test
  void servesNothingElseUnderSdkAndLeavesTheRoomRoutesAlone() throws Exception {
    assertThat(get("/sdk/package.json").statusCode()).isEqualTo(404);
    assertThat(get("/sdk/../pom.xml").statusCode()).isEqualTo(404);
    assertThat(get("/sdk/").statusCode()).isEqualTo(404);
    HttpResponse<String> room = get("/v1/rooms/sdk-test");
    assertThat(room.statusCode()).isEqualTo(200);
    assertThat(room.body()).contains("\"roomId\":\"sdk-test\"");
  }
}
