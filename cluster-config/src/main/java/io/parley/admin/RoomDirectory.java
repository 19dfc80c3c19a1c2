package io.parley.admin;

import io.parley.room.Rooms;
import io.parley.serialization.CborSerializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * Which rooms run where, for the admin API. Cluster Sharding tells a node only its own rooms
 * ({@code GetShardRegionState}; its cluster-wide statistics count rooms but do not name them), so
 * every node runs a directory, registered with the Receptionist, that names the rooms of its
 * shard region; the cluster-wide listing asks every registered directory and merges the answers.
 */
public final class RoomDirectory {

  /** Under which every node's directory is registered. */
  public static final ServiceKey<ListRooms> KEY =
      ServiceKey.create(ListRooms.class, "parley-room-directory");

  /** Asks a node's directory for the rooms running on that node. */
  public record ListRooms(ActorRef<NodeRooms> replyTo) implements CborSerializable {}

  /** The rooms running on {@code node} (its cluster address). */
  public record NodeRooms(String node, List<String> roomIds) implements CborSerializable {
    public NodeRooms {
      roomIds = List.copyOf(roomIds);
    }

    List<RoomPage.Location> locations() {
      return roomIds.stream().map(roomId -> new RoomPage.Location(roomId, node)).toList();
    }
  }

  /**
   * The rooms of the nodes that answered; {@code unanswered} names the nodes whose directory did
   * not answer in time (their rooms are missing from the listing).
   */
  public record ClusterRooms(List<RoomPage.Location> rooms, List<String> unanswered) {}

  private RoomDirectory() {}

  /** This node's directory; spawn it once, after room sharding has started. */
  public static Behavior<ListRooms> create(Rooms rooms, Duration timeout) {
    return Behaviors.setup(
        context -> {
          context.getSystem().receptionist().tell(Receptionist.register(KEY, context.getSelf()));
          ActorSystem<Void> system = context.getSystem();
          return Behaviors.receiveMessage(
              list -> {
                // no reply when the region does not answer: the asker's timeout says so
                local(rooms, system, timeout).thenAccept(list.replyTo()::tell);
                return Behaviors.same();
              });
        });
  }

  /** The rooms running on this node. */
  public static CompletionStage<NodeRooms> local(
      Rooms rooms, ActorSystem<?> system, Duration timeout) {
    String node = system.address().toString();
    return rooms
        .liveRoomIds(system, timeout)
        .thenApply(ids -> new NodeRooms(node, ids.stream().sorted().toList()));
  }

  /**
   * The rooms running on this node and on every other node whose directory the Receptionist
   * knows (a node that joined a moment ago may not be known yet); each node gets {@code timeout}
   * to answer. This node's rooms are asked for directly: its own registration may not have
   * reached the Receptionist's listing yet.
   */
  public static CompletionStage<ClusterRooms> cluster(
      Rooms rooms, ActorSystem<?> system, Duration timeout) {
    String self = system.address().toString();
    return AskPattern.<Receptionist.Command, Receptionist.Listing>ask(
            system.receptionist(),
            replyTo -> Receptionist.find(KEY, replyTo),
            timeout,
            system.scheduler())
        .thenCompose(
            listing -> {
              List<CompletableFuture<Answer>> answers = new ArrayList<>();
              answers.add(answer(self, local(rooms, system, timeout)));
              for (ActorRef<ListRooms> directory : listing.getServiceInstances(KEY)) {
                // a local reference's address names no host: it is this node's directory
                Address node = directory.path().address();
                if (node.hasGlobalScope() && !node.toString().equals(self)) {
                  answers.add(
                      answer(
                          node.toString(),
                          AskPattern.ask(directory, ListRooms::new, timeout, system.scheduler())));
                }
              }
              return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                  .thenApply(done -> merged(answers));
            });
  }

  private static CompletableFuture<Answer> answer(String node, CompletionStage<NodeRooms> rooms) {
    return rooms
        .handle((answered, failure) -> new Answer(node, failure == null ? answered : null))
        .toCompletableFuture();
  }

  /** A directory's answer, {@code rooms} null when it gave none in time. */
  private record Answer(String node, NodeRooms rooms) {}

  private static ClusterRooms merged(List<CompletableFuture<Answer>> answers) {
    List<RoomPage.Location> rooms = new ArrayList<>();
    List<String> unanswered = new ArrayList<>();
    for (CompletableFuture<Answer> answer : answers) {
      Answer a = answer.join();
      if (a.rooms() == null) {
        unanswered.add(a.node());
      } else {
        rooms.addAll(a.rooms().locations());
      }
    }
    return new ClusterRooms(rooms, unanswered.stream().sorted().toList());
  }
}
