package io.parley.gateway;

import java.util.Optional;

/** The {@code limit} query parameter of a paginated list: a page size within bounds. */
public final class PageSize {

  private PageSize() {}

  /**
   * The requested size, {@code byDefault} when there is none; empty when it is not a whole number
   * from 1 to {@code max}.
   */
  public static Optional<Integer> of(Optional<String> limit, int byDefault, int max) {
    if (limit.isEmpty()) {
      return Optional.of(byDefault);
    }
    try {
      int size = Integer.parseInt(limit.get());
      return size >= 1 && size <= max ? Optional.of(size) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
