package io.parley.benchmarks.recovery;

import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The guardian of the benchmark's actor system: spawns the actors the driver asks for and stops
 * them, answering only once they are gone, so that two incarnations of one persistent actor never
 * overlap.
 */
final class Host {

  interface Command {}

  /** Spawns {@code behavior} as a watched child and replies with its reference. */
  record Spawn<T>(Behavior<T> behavior, String name, ActorRef<ActorRef<T>> replyTo)
      implements Command {}

  /** Stops a child spawned by {@link Spawn} and replies once it has terminated. */
  record StopChild(ActorRef<?> child, ActorRef<Done> replyTo) implements Command {}

  private Host() {}

  static Behavior<Command> create() {
    return Behaviors.setup(
        context -> {
          Map<ActorRef<?>, ActorRef<Done>> stopping = new HashMap<>();
          return Behaviors.receive(
              (ActorContext<Command> ctx, Command command) -> {
                if (command instanceof Spawn<?> spawn) {
                  spawn(ctx, spawn);
                } else if (command instanceof StopChild stop) {
                  stopping.put(stop.child(), stop.replyTo());
                  ctx.stop(stop.child());
                }
                return Behaviors.same();
              },
              (ActorContext<Command> ctx, Signal signal) -> {
                if (signal instanceof Terminated terminated) {
                  ActorRef<Done> waiting = stopping.remove(terminated.getRef());
                  if (waiting != null) {
                    waiting.tell(Done.getInstance());
                  } else {
                    ctx.getLog().error("{} stopped on its own", terminated.getRef());
                  }
                }
                return Behaviors.same();
              });
        });
  }

  private static <T> void spawn(ActorContext<Command> context, Spawn<T> spawn) {
    ActorRef<T> child = context.spawn(spawn.behavior(), spawn.name());
    context.watch(child);
    spawn.replyTo().tell(child);
  }
}
