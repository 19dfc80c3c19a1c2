package io.parley.room;

import java.util.AbstractList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.RandomAccess;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.pcollections.HashTreePMap;
import org.pcollections.PMap;
import org.pcollections.PVector;
import org.pcollections.TreePVector;

/**
 * The window of commands a room remembers, oldest first, as an immutable list that is also
 * indexed by author and command id. Both parts are persistent structures: remembering one more
 * command (and forgetting the oldest) costs O(log n) and shares the rest with the window before,
 * and finding a command by its id is a hash lookup, instead of copying and scanning the whole
 * window (a thousand commands by default) for every command.
 *
 * <p>It is a {@link List} like any other to its users and to Jackson, which writes it as the
 * array snapshots have always held.
 */
final class AppliedCommands extends AbstractList<AppliedCommand> implements RandomAccess {

  private record Id(String userId, String commandId) {}

  private static final AppliedCommands EMPTY =
      new AppliedCommands(TreePVector.empty(), HashTreePMap.empty());

  private final PVector<AppliedCommand> order;
  /** The newest remembered command of each (author, id). */
  private final PMap<Id, AppliedCommand> byId;

  private AppliedCommands(PVector<AppliedCommand> order, PMap<Id, AppliedCommand> byId) {
    this.order = order;
    this.byId = byId;
  }

  static AppliedCommands empty() {
    return EMPTY;
  }

  /** {@code commands} (oldest first) as a window; {@code null} (an old snapshot) is empty. */
  static AppliedCommands of(List<AppliedCommand> commands) {
    if (commands instanceof AppliedCommands window) {
      return window;
    }
    AppliedCommands window = EMPTY;
    if (commands != null) {
      for (AppliedCommand command : commands) {
        window = window.plus(command, Integer.MAX_VALUE);
      }
    }
    return window;
  }

  /** The newest remembered command {@code commandId} of {@code userId}. */
  Optional<AppliedCommand> find(String userId, String commandId) {
    return Optional.ofNullable(byId.get(new Id(userId, commandId)));
  }

  /** This window with {@code applied} as its newest command, and at most {@code limit} in all. */
  AppliedCommands plus(AppliedCommand applied, int limit) {
    if (limit <= 0) {
      return EMPTY;
    }
    PVector<AppliedCommand> nextOrder = order.plus(applied);
    PMap<Id, AppliedCommand> nextById =
        byId.plus(new Id(applied.userId(), applied.commandId()), applied);
    while (nextOrder.size() > limit) {
      AppliedCommand oldest = nextOrder.get(0);
      nextOrder = nextOrder.minus(0);
      Id id = new Id(oldest.userId(), oldest.commandId());
      // an id used again after it was forgotten is indexed with its newer command
      if (oldest.equals(nextById.get(id))) {
        nextById = nextById.minus(id);
      }
    }
    return new AppliedCommands(nextOrder, nextById);
  }

  @Override
  public AppliedCommand get(int index) {
    return order.get(index);
  }

  @Override
  public int size() {
    return order.size();
  }

  @Override
  public Iterator<AppliedCommand> iterator() {
    Iterator<AppliedCommand> it = order.iterator();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public AppliedCommand next() {
        return it.next();
      }
    };
  }

  // Immutable, including when empty (AbstractList would quietly do nothing then).

  @Override
  public boolean add(AppliedCommand command) {
    throw new UnsupportedOperationException("the window of applied commands is immutable");
  }

  @Override
  public boolean addAll(Collection<? extends AppliedCommand> commands) {
    throw new UnsupportedOperationException("the window of applied commands is immutable");
  }

  @Override
  public boolean remove(Object command) {
    throw new UnsupportedOperationException("the window of applied commands is immutable");
  }

  @Override
  public boolean removeAll(Collection<?> commands) {
    throw new UnsupportedOperationException("the window of applied commands is immutable");
  }

  @Override
  public boolean retainAll(Collection<?> commands) {
    throw new UnsupportedOperationException("the window of applied commands is immutable");
  }

  @Override
  public boolean removeIf(Predicate<? super AppliedCommand> filter) {
    throw new UnsupportedOperationException("the window of applied commands is immutable");
  }

  @Override
  public void replaceAll(UnaryOperator<AppliedCommand> operator) {
    throw new UnsupportedOperationException("the window of applied commands is immutable");
  }

  @Override
  public void clear() {
    throw new UnsupportedOperationException("the window of applied commands is immutable");
  }
}
