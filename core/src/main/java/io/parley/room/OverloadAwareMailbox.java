package io.parley.room;

import com.typesafe.config.Config;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.ActorCell;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.DeadLetter;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.dispatch.Envelope;
import org.apache.pekko.dispatch.MailboxType;
import org.apache.pekko.dispatch.MessageQueue;
import org.apache.pekko.dispatch.ProducesMessageQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import scala.Option;

/**
 * The mailbox of a room entity: bounded, and when full it answers instead of dropping. Pekko's
 * bounded mailboxes send the overflow to dead letters, and the sender learns nothing until its
 * ask times out; here a refused command is answered at once (see {@link RoomOverload}).
 *
 * <p>Only the {@link RoomCommand}s that clients cause count against the capacity ({@code
 * parley.room.mailbox-capacity}); presence and the room's own messages, and every message of
 * Pekko's (journal replies, timers, recovery permits), are always queued, in order with the
 * rest. System messages do not go through this queue at all. A typed actor runs on a classic
 * mailbox whose envelopes hold the typed message itself.
 *
 * <p>Selected with {@code MailboxSelector.fromConfig("parley.room-mailbox")}; Pekko creates it
 * with the actor system's settings, from which the capacity and the retry hint ({@code
 * parley.room.overload-retry-after}) are read. (A {@code ${parley.room.mailbox-capacity}}
 * substitution in the mailbox section would be resolved within the {@code reference.conf} files
 * alone, before an operator's value is seen.)
 */
public final class OverloadAwareMailbox
    implements MailboxType, ProducesMessageQueue<OverloadAwareMailbox.RoomMessageQueue> {

  /** The configuration section that selects this mailbox. */
  public static final String CONFIG_PATH = "parley.room-mailbox";

  private static final Logger log = LoggerFactory.getLogger(OverloadAwareMailbox.class);

  private final int capacity;
  private final Duration retryAfter;

  /** Called by Pekko; {@code config} is the mailbox section, unused. */
  public OverloadAwareMailbox(ActorSystem.Settings settings, Config config) {
    this(
        settings.config().getInt("parley.room.mailbox-capacity"),
        settings.config().getDuration("parley.room.overload-retry-after"));
  }

  public OverloadAwareMailbox(int capacity, Duration retryAfter) {
    if (capacity <= 0) {
      throw new IllegalArgumentException(
          "parley.room.mailbox-capacity must be positive, was " + capacity);
    }
    this.capacity = capacity;
    this.retryAfter = retryAfter;
  }

  @Override
  public MessageQueue create(Option<ActorRef> owner, Option<ActorSystem> system) {
    return new RoomMessageQueue(
        capacity,
        retryAfter,
        owner.isDefined() ? owner.get().path().name() : "?",
        system.isDefined() ? system.get().deadLetters() : null,
        system.isDefined() ? RoomMetrics.of(system.get()) : RoomMetrics.unregistered());
  }

  /**
   * The messages waiting in the mailbox of the actor of {@code context}, called from within that
   * actor. Typed actors have no API for their mailbox; their classic cell has (and its count is
   * this queue's for a room, a plain queue's elsewhere, e.g. in tests).
   */
  static int depth(ActorContext<?> context) {
    return ((ActorCell) Adapter.toClassic(context)).mailbox().numberOfMessages();
  }

  /**
   * One FIFO queue for every message, and a count of the bounded ones in it. A bounded message
   * that finds the count at capacity is answered or dropped on the sender's thread.
   */
  public static final class RoomMessageQueue implements MessageQueue {

    private final ConcurrentLinkedQueue<Envelope> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger bounded = new AtomicInteger();
    private final int capacity;
    private final Duration retryAfter;
    private final String name;
    private final ActorRef deadLetters;

    /**
     * An overload episode, logged once: from the first refusal until no bounded message waits
     * (a room under sustained load logs it once, not at every refusal).
     */
    private final AtomicBoolean overloaded = new AtomicBoolean();

    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final RoomMetrics metrics;

    RoomMessageQueue(int capacity, Duration retryAfter, String name, ActorRef deadLetters) {
      this(capacity, retryAfter, name, deadLetters, RoomMetrics.unregistered());
    }

    RoomMessageQueue(
        int capacity, Duration retryAfter, String name, ActorRef deadLetters, RoomMetrics metrics) {
      this.capacity = capacity;
      this.retryAfter = retryAfter;
      this.name = name;
      this.deadLetters = deadLetters;
      this.metrics = metrics;
    }

    @Override
    public void enqueue(ActorRef receiver, Envelope handle) {
      if (RoomOverload.isBounded(handle.message())) {
        if (bounded.incrementAndGet() > capacity) {
          bounded.decrementAndGet();
          refuse(receiver, handle);
          return;
        }
      }
      queue.add(handle);
    }

    @Override
    public Envelope dequeue() {
      Envelope envelope = queue.poll();
      if (envelope != null
          && RoomOverload.isBounded(envelope.message())
          && bounded.decrementAndGet() == 0
          && overloaded.compareAndSet(true, false)) {
        String previous = aboutRoom();
        log.info(
            "room {} is no longer overloaded; its mailbox answered {} commands with overloaded"
                + " and dropped {} cursors, activity reports and reads",
            name,
            answered.getAndSet(0),
            dropped.getAndSet(0));
        restore(previous);
      }
      return envelope;
    }

    private void refuse(ActorRef receiver, Envelope handle) {
      Object message = handle.message();
      if (RoomOverload.answer(message, retryAfter)) {
        answered.incrementAndGet();
        metrics.mailboxAnswered.increment();
      } else {
        dropped.incrementAndGet();
        metrics.mailboxDropped.increment();
        if (deadLetters != null) {
          ActorRef sender = handle.sender() != null ? handle.sender() : deadLetters;
          deadLetters.tell(new DeadLetter(message, sender, receiver), sender);
        }
      }
      if (overloaded.compareAndSet(false, true)) {
        String previous = aboutRoom();
        log.warn(
            "room {} is overloaded: its mailbox holds {} commands (parley.room.mailbox-capacity);"
                + " further ones are answered with overloaded or dropped until it has caught up",
            name,
            capacity);
        restore(previous);
      }
    }

    /**
     * Logs about this room from here on: this runs on the sender's thread (a connection of the
     * room, or anything else), whose logging context is given back by {@link #restore}.
     */
    private String aboutRoom() {
      String previous = MDC.get("roomId");
      // sharding names a room's actor by its URL-encoded id
      MDC.put("roomId", URLDecoder.decode(name, StandardCharsets.UTF_8));
      return previous;
    }

    private static void restore(String previousRoomId) {
      if (previousRoomId == null) {
        MDC.remove("roomId");
      } else {
        MDC.put("roomId", previousRoomId);
      }
    }

    /** Commands, cursors and reads queued now (the bounded ones). */
    int boundedMessages() {
      return bounded.get();
    }

    @Override
    public int numberOfMessages() {
      return queue.size();
    }

    @Override
    public boolean hasMessages() {
      return !queue.isEmpty();
    }

    @Override
    public void cleanUp(ActorRef owner, MessageQueue deadLetters) {
      Envelope envelope = dequeue();
      while (envelope != null) {
        deadLetters.enqueue(owner, envelope);
        envelope = dequeue();
      }
    }
  }
}
