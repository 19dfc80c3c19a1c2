package io.parley.benchmarks.idle;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/**
 * The one thread of a client process: a selector over all its sockets. It opens connections at
 * most {@code connectConcurrency} at a time, reads and writes for them, and runs their timers.
 * Other threads talk to it only through {@link #call}.
 */
final class ClientLoop implements Runnable {

  /** Everything a loop needs to know about the node and the connections it opens. */
  record Settings(
      InetSocketAddress server,
      int roomSize,
      InetAddress firstSource,
      int sourceAddresses,
      int connectConcurrency,
      long connectTimeoutNanos) {

    String hostPort() {
      return server.getHostString() + ":" + server.getPort();
    }
  }

  private static final long TICK_NANOS = 250_000_000L;

  private final Settings settings;
  private final Selector selector;
  private final ByteBuffer readBuffer = ByteBuffer.allocate(64 * 1024);
  private final ObjectMapper json = new ObjectMapper();
  private final ClientCounters counters = new ClientCounters();
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final ArrayDeque<IdleSocket> toStart = new ArrayDeque<>();
  private List<IdleSocket> sockets = new ArrayList<>();
  private int connecting;
  private CompletableFuture<Map<String, Object>> allClosed;
  private volatile boolean running = true;

  ClientLoop(Settings settings) {
    this.settings = settings;
    try {
      this.selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- called by the sockets, on this thread

  Selector selector() {
    return selector;
  }

  InetSocketAddress server() {
    return settings.server();
  }

  String hostPort() {
    return settings.hostPort();
  }

  long connectTimeoutNanos() {
    return settings.connectTimeoutNanos();
  }

  ByteBuffer readBuffer() {
    return readBuffer;
  }

  ObjectMapper json() {
    return json;
  }

  ClientCounters counters() {
    return counters;
  }

  /** A socket left the connecting states: another one may start. */
  void settled() {
    connecting--;
  }

  // ---- requests from other threads

  /** Runs {@code task} on the loop's thread. */
  <T> CompletableFuture<T> call(Supplier<T> task) {
    CompletableFuture<T> result = new CompletableFuture<>();
    tasks.add(
        () -> {
          try {
            result.complete(task.get());
          } catch (RuntimeException e) {
            result.completeExceptionally(e);
          }
        });
    selector.wakeup();
    return result;
  }

  /** Opens connections {@code first} .. {@code first + count - 1}; done when all are settled. */
  CompletableFuture<Map<String, Object>> open(int count, int first, String prefix) {
    return call(
            () -> {
              ConnectBatch batch = new ConnectBatch(count);
              for (int i = first; i < first + count; i++) {
                ConnectionSpec spec =
                    ConnectionSpec.of(
                        i, prefix, settings.roomSize(), settings.firstSource(), settings.sourceAddresses());
                IdleSocket socket = new IdleSocket(this, spec, batch);
                sockets.add(socket);
                toStart.add(socket);
              }
              return batch.done;
            })
        .thenCompose(done -> done);
  }

  /** Closes every connection (after a {@code leave} if asked); done when all are closed. */
  CompletableFuture<Map<String, Object>> closeAll(boolean leave) {
    return call(
            () -> {
              toStart.clear();
              allClosed = new CompletableFuture<>();
              for (IdleSocket socket : sockets) {
                socket.startClose(leave);
              }
              completeIfAllClosed();
              return allClosed;
            })
        .thenCompose(done -> done);
  }

  CompletableFuture<Map<String, Object>> status() {
    return call(counters::snapshot);
  }

  void stop() {
    running = false;
    selector.wakeup();
  }

  // ---- the loop

  @Override
  public void run() {
    long nextTick = System.nanoTime() + TICK_NANOS;
    while (running) {
      for (Runnable task; (task = tasks.poll()) != null; ) {
        task.run();
      }
      startConnects();
      long wait = Math.max(1, (nextTick - System.nanoTime()) / 1_000_000);
      try {
        selector.select(this::onReady, wait);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      long now = System.nanoTime();
      if (now >= nextTick) {
        tick(now);
        nextTick = now + TICK_NANOS;
      }
    }
    for (SelectionKey key : selector.keys()) {
      try {
        key.channel().close();
      } catch (IOException e) {
        // exiting
      }
    }
  }

  private void onReady(SelectionKey key) {
    ((IdleSocket) key.attachment()).onReady();
  }

  private void startConnects() {
    while (connecting < settings.connectConcurrency() && !toStart.isEmpty()) {
      connecting++;
      toStart.poll().start();
    }
  }

  private void tick(long now) {
    List<IdleSocket> alive = new ArrayList<>(sockets.size());
    for (IdleSocket socket : sockets) {
      socket.tick(now);
      if (socket.state() != IdleSocket.State.CLOSED) {
        alive.add(socket);
      }
    }
    sockets = alive;
    completeIfAllClosed();
  }

  private void completeIfAllClosed() {
    if (allClosed != null && !allClosed.isDone() && sockets.stream().allMatch(s -> s.state() == IdleSocket.State.CLOSED)) {
      allClosed.complete(counters.snapshot());
    }
  }
}
