package io.parley.protocol;

import java.util.List;

/** A stable colour for users who do not choose one, so one user looks the same everywhere. */
public final class ColorPalette {

  private static final List<String> COLORS =
      List.of(
          "#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4",
          "#46a0a8", "#f032e6", "#9a6324", "#800000", "#000075");

  private ColorPalette() {}

  public static String forUser(String userId) {
    return COLORS.get(Math.floorMod(userId.hashCode(), COLORS.size()));
  }
}
