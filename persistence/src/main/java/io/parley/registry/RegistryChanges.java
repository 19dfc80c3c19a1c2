package io.parley.registry;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The changes of a group of events, with the ones a later change of the same room makes
 * pointless left out: a busy public room's keys and chat would otherwise cost one update each,
 * while only the last one's time counts. Every change that is kept is applied in order.
 */
final class RegistryChanges {

  private RegistryChanges() {}

  static List<RegistryChange> needed(List<RegistryChange> changes) {
    Deque<RegistryChange> kept = new ArrayDeque<>();
    Set<String> changedLater = new HashSet<>();
    for (int i = changes.size() - 1; i >= 0; i--) {
      RegistryChange change = changes.get(i);
      // a later change of the room sets its last activity too, or removes it
      if (!(change instanceof RegistryChange.Active) || !changedLater.contains(change.roomId())) {
        kept.addFirst(change);
      }
      changedLater.add(change.roomId());
    }
    return List.copyOf(kept);
  }
}
