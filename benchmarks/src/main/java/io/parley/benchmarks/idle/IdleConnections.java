package io.parley.benchmarks.idle;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A process holding idle WebSocket connections to a Parley node, on one selector thread (Java
 * NIO; the JDK's WebSocket client cannot bind a source address). It is a client of the protocol
 * only: JDK and Jackson, no server code. Driven by one command per line on stdin, each answered by
 * one JSON line on stdout:
 *
 * <pre>
 *   open COUNT FIRST PREFIX   connections FIRST..FIRST+COUNT-1: room PREFIX-(i / room size),
 *                             user PREFIX-u(i); answered when all are welcomed or failed
 *   status                    counters: open, welcomed, failures, closes, pings, heartbeats
 *   close                     leave and close every connection; answered when all are closed
 *   exit
 * </pre>
 *
 * Options: {@code --url ws://127.0.0.1:8080 --room-size 10 --source-first 127.0.0.2
 * --source-addresses 4 --connect-concurrency 50 --connect-timeout 30}. {@link IdleBenchmark}
 * starts one such process per ~15,000 connections (a process holds at most its file limit).
 */
public final class IdleConnections {

  private IdleConnections() {}

  public static void main(String[] args) throws Exception {
    URI url = URI.create("ws://127.0.0.1:8080");
    int roomSize = 10;
    InetAddress firstSource = InetAddress.getByName("127.0.0.2");
    int sourceAddresses = 4;
    int connectConcurrency = 50;
    int connectTimeoutSeconds = 30;
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value for " + args[i]);
      }
      String v = args[i + 1];
      switch (args[i]) {
        case "--url" -> url = URI.create(v);
        case "--room-size" -> roomSize = Integer.parseInt(v);
        case "--source-first" -> firstSource = InetAddress.getByName(v);
        case "--source-addresses" -> sourceAddresses = Integer.parseInt(v);
        case "--connect-concurrency" -> connectConcurrency = Integer.parseInt(v);
        case "--connect-timeout" -> connectTimeoutSeconds = Integer.parseInt(v);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    InetSocketAddress server = new InetSocketAddress(url.getHost(), url.getPort() < 0 ? 80 : url.getPort());
    ClientLoop loop =
        new ClientLoop(
            new ClientLoop.Settings(
                server,
                roomSize,
                firstSource,
                sourceAddresses,
                connectConcurrency,
                connectTimeoutSeconds * 1_000_000_000L));
    Thread thread = new Thread(loop, "idle-connections");
    thread.start();
    serve(loop);
    loop.stop();
    thread.join(10_000);
    System.exit(0);
  }

  private static void serve(ClientLoop loop) throws Exception {
    ObjectMapper json = new ObjectMapper();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      String[] words = line.trim().split("\\s+");
      CompletableFuture<Map<String, Object>> answer =
          switch (words[0]) {
            case "open" ->
                loop.open(Integer.parseInt(words[1]), Integer.parseInt(words[2]), words[3]);
            case "status" -> loop.status();
            case "close" -> loop.closeAll(true);
            case "exit" -> null;
            default -> CompletableFuture.completedFuture(Map.of("error", "unknown command: " + line));
          };
      if (answer == null) {
        return;
      }
      Map<String, Object> reply = new LinkedHashMap<>();
      reply.put("command", words[0]);
      reply.putAll(answer.get());
      System.out.println(json.writeValueAsString(reply));
      System.out.flush();
    }
  }
}
