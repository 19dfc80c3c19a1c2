package io.parley.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The indexed window of remembered commands behaves exactly like the list it replaced: the last
 * {@code limit} commands, oldest first, searched from the newest.
 */
class AppliedCommandsProperties {

  /** A command as the room remembers it: few users and few ids, so that ids repeat. */
  @Provide
  Arbitrary<List<AppliedCommand>> commands() {
    Arbitrary<String> users = Arbitraries.of("alice", "bob", "carol");
    Arbitrary<String> ids = Arbitraries.of("c1", "c2", "c3", "c4", "m1");
    Arbitrary<Long> fingerprints = Arbitraries.longs().between(0, 3);
    return Combinators.combine(users, ids, fingerprints)
        .as((user, id, fingerprint) -> new AppliedCommand(user, id, 0, fingerprint))
        .list()
        .ofMaxSize(60)
        .map(
            list -> {
              List<AppliedCommand> numbered = new ArrayList<>();
              for (int i = 0; i < list.size(); i++) {
                AppliedCommand c = list.get(i);
                numbered.add(new AppliedCommand(c.userId(), c.commandId(), i + 1, c.fingerprint()));
              }
              return numbered;
            });
  }

  @Property
  void theWindowIsTheLastCommandsAndFindsTheNewestOfEachId(
      @ForAll("commands") List<AppliedCommand> commands,
      @ForAll @IntRange(min = 0, max = 12) int limit,
      @ForAll @Size(max = 8) List<@IntRange(min = 0, max = 12) Integer> laterLimits) {
    AppliedCommands window = AppliedCommands.empty();
    List<AppliedCommand> model = new ArrayList<>();
    List<AppliedCommands> history = new ArrayList<>();
    List<List<AppliedCommand>> modelHistory = new ArrayList<>();
    for (int i = 0; i < commands.size(); i++) {
      // the limit may change between restarts: take the later ones now and then
      int current = i % 10 == 9 && !laterLimits.isEmpty() ? laterLimits.get(i % laterLimits.size()) : limit;
      window = window.plus(commands.get(i), current);
      model = plus(model, commands.get(i), current);
      history.add(window);
      modelHistory.add(model);

      assertThat(window).containsExactlyElementsOf(model);
      assertThat(AppliedCommands.of(new ArrayList<>(window))).containsExactlyElementsOf(model);
      for (String user : List.of("alice", "bob", "carol")) {
        for (String id : List.of("c1", "c2", "c3", "c4", "m1")) {
          assertThat(window.find(user, id)).isEqualTo(find(model, user, id));
          assertThat(AppliedCommands.of(new ArrayList<>(window)).find(user, id)).isEqualTo(find(model, user, id));
        }
      }
    }
    // every earlier window is unchanged by the later ones
    for (int i = 0; i < history.size(); i++) {
      assertThat(history.get(i)).containsExactlyElementsOf(modelHistory.get(i));
    }
  }

  /** The window as it was: a copied list, scanned from the newest. */
  private static List<AppliedCommand> plus(List<AppliedCommand> window, AppliedCommand applied, int limit) {
    if (limit <= 0) {
      return List.of();
    }
    int drop = Math.max(0, window.size() + 1 - limit);
    List<AppliedCommand> updated = new ArrayList<>(window.subList(drop, window.size()));
    updated.add(applied);
    return updated;
  }

  private static Optional<AppliedCommand> find(List<AppliedCommand> window, String userId, String commandId) {
    for (int i = window.size() - 1; i >= 0; i--) {
      AppliedCommand applied = window.get(i);
      if (applied.commandId().equals(commandId) && applied.userId().equals(userId)) {
        return Optional.of(applied);
      }
    }
    return Optional.empty();
  }
}
