package io.parley.validation;

/**
 * Whether UTF-16 text is valid Unicode: every surrogate is half of a high-low pair. JSON lets a
 * client write a lone surrogate as an escape ({@code "\ud800"}), Jackson decodes it into a
 * {@code String} as it is, and no UTF-8 encoder downstream (the journal's CBOR serializer, a
 * client's JSON parser) accepts it.
 */
public final class Unicode {

  private Unicode() {}

  /** The index of the first surrogate that is not half of a pair, or -1 when there is none. */
  public static int loneSurrogate(CharSequence text) {
    return loneSurrogate(text, 0);
  }

  /**
   * A character as an error message shows it: a visible one quoted ({@code 'é'}, {@code '😀'}), a
   * space as "a space", any other (controls, other white space, format characters such as U+FEFF,
   * unassigned ones, lone surrogates) by its code point ({@code U+000A}).
   */
  public static String describe(int codePoint) {
    if (codePoint == ' ') {
      return "a space";
    }
    int type = Character.getType(codePoint);
    boolean visible =
        !Character.isISOControl(codePoint)
            && !Character.isWhitespace(codePoint)
            && !Character.isSpaceChar(codePoint)
            && type != Character.UNASSIGNED
            && type != Character.FORMAT
            && type != Character.SURROGATE
            && type != Character.PRIVATE_USE;
    return visible
        ? "'" + new String(Character.toChars(codePoint)) + "'"
        : String.format("U+%04X", codePoint);
  }

  /** The text with each lone surrogate replaced by U+FFFD, for quoting client input back. */
  public static String withoutLoneSurrogates(String text) {
    int lone = loneSurrogate(text);
    if (lone < 0) {
      return text;
    }
    StringBuilder valid = new StringBuilder(text);
    while (lone >= 0) {
      valid.setCharAt(lone, '\uFFFD');
      lone = loneSurrogate(valid, lone + 1);
    }
    return valid.toString();
  }

  private static int loneSurrogate(CharSequence text, int from) {
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }
}
