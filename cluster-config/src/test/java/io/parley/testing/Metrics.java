package io.parley.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One scrape of a node's {@code GET /metrics} (Prometheus text format), parsed: every sample with
 * its labels, so that a test can read a series before and after what it does.
 */
public final class Metrics {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** One line of the exposition: {@code name{labels} value}. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  private final String text;
  private final List<Sample> samples;

  private Metrics(String text, List<Sample> samples) {
    this.text = text;
    this.samples = samples;
  }

  /** Scrapes the management port {@code port}, with the operator's bearer {@code token} if any. */
  public static Metrics scrape(int port, Optional<String> token) {
    HttpResponse<String> response = get(port, token);
    if (response.statusCode() != 200) {
      throw new AssertionError("/metrics answered " + response.statusCode() + ": " + response.body());
    }
    return parse(response.body());
  }

  public static Metrics scrape(int port) {
    return scrape(port, Optional.empty());
  }

  /** The raw answer to {@code GET /metrics}. */
  public static HttpResponse<String> get(int port, Optional<String> token) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
            .timeout(Duration.ofSeconds(5));
    token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public static Metrics parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      samples.add(sample(line));
    }
    return new Metrics(text, samples);
  }

  /** The exposition as scraped. */
  public String text() {
    return text;
  }

  /** The sum of the samples of {@code name} whose labels include {@code labels} (pairs). */
  public double value(String name, String... labels) {
    Map<String, String> wanted = new HashMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      wanted.put(labels[i], labels[i + 1]);
    }
    return samples.stream()
        .filter(s -> s.name().equals(name))
        .filter(s -> s.labels().entrySet().containsAll(wanted.entrySet()))
        .mapToDouble(Sample::value)
        .sum();
  }

  /** Whether a sample of {@code name} exists. */
  public boolean has(String name) {
    return samples.stream().anyMatch(s -> s.name().equals(name));
  }

  /** Every sample name. */
  public Set<String> names() {
    Set<String> names = new TreeSet<>();
    samples.forEach(s -> names.add(s.name()));
    return names;
  }

  private static Sample sample(String line) {
    int brace = line.indexOf('{');
    int space = line.lastIndexOf(' ');
    Map<String, String> labels = new HashMap<>();
    String name;
    if (brace >= 0 && brace < space) {
      name = line.substring(0, brace);
      int end = labels(line, brace + 1, labels);
      space = line.indexOf(' ', end);
    } else {
      name = line.substring(0, line.indexOf(' '));
      space = name.length();
    }
    String value = line.substring(space + 1).trim().split(" ")[0];
    double parsed =
        switch (value) {
          case "+Inf" -> Double.POSITIVE_INFINITY;
          case "-Inf" -> Double.NEGATIVE_INFINITY;
          default -> Double.parseDouble(value);
        };
    return new Sample(name, labels, parsed);
  }

  /** Reads {@code k="v",...} from {@code from} up to the closing brace; returns its index. */
  private static int labels(String line, int from, Map<String, String> labels) {
    int i = from;
    while (line.charAt(i) != '}') {
      int equals = line.indexOf('=', i);
      String key = line.substring(i, equals).trim();
      StringBuilder value = new StringBuilder();
      int j = equals + 2;
      while (line.charAt(j) != '"') {
        if (line.charAt(j) == '\\') {
          j++;
        }
        value.append(line.charAt(j));
        j++;
      }
      labels.put(key, value.toString());
      i = j + 1;
      if (line.charAt(i) == ',') {
        i++;
      }
    }
    return i;
  }
}
