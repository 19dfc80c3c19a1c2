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
    for (int i = 0; i < text.length(); i++) {
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

  /** The text with each lone surrogate replaced by U+FFFD, for quoting client input back. */
  public static String withoutLoneSurrogates(String text) {
    int first = loneSurrogate(text);
    if (first < 0) {
      return text;
    }
    StringBuilder valid = new StringBuilder(text.length()).append(text, 0, first);
    for (int i = first; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        valid.append(c).append(text.charAt(++i));
      } else {
        valid.append(Character.isSurrogate(c) ? '\uFFFD' : c);
      }
    }
    return valid.toString();
  }
}
