package io.parley.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A reader of a server-sent-events stream that parses it into events and comments. */
public final class SseClient implements AutoCloseable {

  /** One event; a comment line (a heartbeat) comes as an event with only {@code comment}. */
  public record Event(String id, String type, String data, String comment) {}

  private final InputStream body;
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final Thread reader;
  private final CompletableFuture<Void> ended = new CompletableFuture<>();

  private SseClient(InputStream body) {
    this.body = body;
    this.reader = new Thread(this::read, "sse-test-reader");
    reader.setDaemon(true);
    reader.start();
  }

  public static SseClient open(int port, String roomId, Optional<String> lastEventId) {
    return open(URI.create("http://127.0.0.1:" + port + "/v1/rooms/" + roomId + "/events"), lastEventId);
  }

  /** Opens the stream at {@code uri} (a query with a token, say). */
  public static SseClient open(URI uri, Optional<String> lastEventId) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream");
    lastEventId.ifPresent(id -> request.header("Last-Event-ID", id));
    try {
      HttpResponse<InputStream> response =
          HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      if (response.statusCode() != 200) {
        throw new AssertionError(
            "status " + response.statusCode() + ": " + new String(response.body().readAllBytes(), StandardCharsets.UTF_8));
      }
      return new SseClient(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The next event that is not a comment. */
  public Event nextEvent() {
    while (true) {
      Event event = next();
      if (event.comment() == null) {
        return event;
      }
    }
  }

  /** The events received and not yet taken, without comments; waits for nothing. */
  public List<Event> takeEvents() {
    List<Event> taken = new ArrayList<>();
    events.drainTo(taken);
    taken.removeIf(event -> event.comment() != null);
    return taken;
  }

  /** The next item of the stream, event or comment. */
  public Event next() {
    try {
      Event event = events.poll(TestClient.WAIT.toMillis(), TimeUnit.MILLISECONDS);
      if (event == null) {
        throw new AssertionError("nothing on the event stream within " + TestClient.WAIT);
      }
      return event;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * Waits until the server ends the stream normally: the reader sees the end of the body, as
   * {@code EventSource} does before it reconnects. Fails if the stream breaks (a reset) instead.
   */
  public void awaitNormalEnd() {
    try {
      ended.get(TestClient.WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("the event stream broke instead of ending", e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("the event stream did not end within " + TestClient.WAIT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    try {
      body.close();
    } catch (IOException ignored) {
      // the stream is gone either way
    }
  }

  private void read() {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      String id = null;
      String type = null;
      StringBuilder data = null;
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.isEmpty()) {
          if (data != null) {
            events.add(new Event(id, type, data.toString(), null));
          }
          id = null;
          type = null;
          data = null;
        } else if (line.startsWith(":")) {
          events.add(new Event(null, null, null, line.substring(1)));
        } else if (line.startsWith("id:")) {
          id = line.substring(3).trim();
        } else if (line.startsWith("event:")) {
          type = line.substring(6).trim();
        } else if (line.startsWith("data:")) {
          data = (data == null ? new StringBuilder() : data.append('\n')).append(line.substring(5).trim());
        }
      }
      ended.complete(null);
    } catch (IOException brokenOrClosedByTheTest) {
      ended.completeExceptionally(brokenOrClosedByTheTest);
    }
  }
}
