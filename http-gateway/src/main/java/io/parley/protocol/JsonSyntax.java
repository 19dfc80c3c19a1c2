package io.parley.protocol;

import io.parley.validation.Unicode;
import java.util.HashSet;
import java.util.Set;

/**
 * Says, in the protocol's words, why a frame is not a JSON text the decoder accepts: the first
 * thing wrong and where (positions count characters from 1, in UTF-16 code units like every
 * length of the protocol). The decoder's JSON library parses the frames; this is asked only for
 * one it refused, so that a client never reads the library's own terms (its class names, its
 * settings) and learns the rule of JSON it broke, or the frame limit it went over.
 *
 * <p>Checks the grammar of RFC 8259 with the decoder's limits: each object names a field at most
 * once, containers nest at most {@code maxDepth} deep, numbers, strings and field names are at
 * most as long as the library accepts, and nothing but white space follows the top value.
 */
final class JsonSyntax {

  /** The lengths and depth the decoder's JSON reader accepts. */
  record Limits(int maxDepth, int maxNumberLength, int maxStringLength, int maxNameLength) {}

  private final String text;
  private final Limits limits;
  private int at;

  private JsonSyntax(String text, Limits limits) {
    this.text = text;
    this.limits = limits;
  }

  /**
   * What is wrong with {@code text}, starting with "not valid JSON: " for a broken rule of JSON,
   * or {@code null} when it is one valid JSON value within the limits.
   */
  static String problem(String text, Limits limits) {
    JsonSyntax syntax = new JsonSyntax(text, limits);
    try {
      syntax.whitespace();
      if (syntax.at == text.length()) {
        return null; // an empty frame is valid as far as JSON goes: the decoder says it is no object
      }
      char first = text.charAt(syntax.at);
      syntax.value(1);
      syntax.whitespace();
      if (syntax.at < text.length()) {
        return "not valid JSON: trailing data after the JSON "
            + (first == '{' ? "object" : "value")
            + " at character "
            + (syntax.at + 1);
      }
      return null;
    } catch (Problem problem) {
      return problem.getMessage();
    }
  }

  private void value(int depth) {
    if (at == text.length()) {
      throw endOfFrame("a value");
    }
    char c = text.charAt(at);
    switch (c) {
      case '{' -> object(depth);
      case '[' -> array(depth);
      case '"' -> string("string", limits.maxStringLength());
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> {
        if (c == '-' || isDigit(c)) {
          number();
        } else {
          throw unexpected("a value");
        }
      }
    }
  }

  private void object(int depth) {
    int start = at;
    nested(depth);
    at++;
    whitespace();
    if (peek() == '}') {
      at++;
      return;
    }
    Set<String> names = new HashSet<>();
    while (true) {
      whitespace();
      String expected = names.isEmpty() ? "a field name in double quotes or '}'" : "a field name in double quotes";
      if (at == text.length()) {
        throw unclosed("object", start, expected);
      }
      if (peek() != '"') {
        throw unexpected(expected);
      }
      int nameAt = at;
      String name = string("field name", limits.maxNameLength());
      if (!names.add(name)) {
        throw new Problem(
            "not valid JSON: duplicate field \""
                + abbreviate(name)
                + "\" at character "
                + (nameAt + 1)
                + ": an object names each field once");
      }
      whitespace();
      if (at == text.length()) {
        throw unclosed("object", start, "':' after the field name");
      }
      if (peek() != ':') {
        throw unexpected("':' after the field name");
      }
      at++;
      whitespace();
      value(depth + 1);
      whitespace();
      if (at == text.length()) {
        throw unclosed("object", start, "',' or '}'");
      }
      char next = peek();
      at++;
      if (next == '}') {
        return;
      }
      if (next != ',') {
        at--;
        throw unexpected("',' or '}'");
      }
    }
  }

  private void array(int depth) {
    int start = at;
    nested(depth);
    at++;
    whitespace();
    if (peek() == ']') {
      at++;
      return;
    }
    boolean first = true;
    while (true) {
      whitespace();
      if (at == text.length()) {
        throw unclosed("array", start, first ? "a value or ']'" : "a value");
      }
      first = false;
      value(depth + 1);
      whitespace();
      if (at == text.length()) {
        throw unclosed("array", start, "',' or ']'");
      }
      char next = peek();
      at++;
      if (next == ']') {
        return;
      }
      if (next != ',') {
        at--;
        throw unexpected("',' or ']'");
      }
    }
  }

  private void nested(int depth) {
    if (depth > limits.maxDepth()) {
      throw new Problem(
          "the frame is nested deeper than "
              + limits.maxDepth()
              + " levels (objects and arrays within each other) at character "
              + (at + 1));
    }
  }

  /** A string from its opening quote; returns its value, escapes decoded. */
  private String string(String what, int maxLength) {
    int start = at;
    at++;
    StringBuilder value = new StringBuilder();
    while (true) {
      if (at == text.length()) {
        throw new Problem(
            "not valid JSON: the frame ends inside the "
                + what
                + " that starts at character "
                + (start + 1)
                + " (no closing '\"')");
      }
      char c = text.charAt(at);
      if (c == '"') {
        at++;
        break;
      }
      if (c < 0x20) {
        throw new Problem(
            "not valid JSON: control character "
                + codePoint(c)
                + " in a "
                + what
                + " at character "
                + (at + 1)
                + " must be written as an escape ("
                + escapeOf(c)
                + ")");
      }
      if (c == '\\') {
        value.append(escape());
      } else {
        value.append(c);
        at++;
      }
    }
    if (value.length() > maxLength) {
      throw new Problem(
          "the frame has a "
              + what
              + " longer than "
              + maxLength
              + " characters at character "
              + (start + 1));
    }
    return value.toString();
  }

  /** An escape from its backslash: returns the character it stands for. */
  private char escape() {
    int start = at;
    at++;
    if (at == text.length()) {
      throw new Problem(
          "not valid JSON: the frame ends inside the escape at character " + (start + 1));
    }
    char c = text.charAt(at);
    at++;
    switch (c) {
      case '"', '\\', '/' -> {
        return c;
      }
      case 'b' -> {
        return '\b';
      }
      case 'f' -> {
        return '\f';
      }
      case 'n' -> {
        return '\n';
      }
      case 'r' -> {
        return '\r';
      }
      case 't' -> {
        return '\t';
      }
      case 'u' -> {
        int code = 0;
        for (int i = 0; i < 4; i++) {
          int digit = at < text.length() ? Character.digit(text.charAt(at), 16) : -1;
          if (digit < 0) {
            throw new Problem(
                "not valid JSON: the escape \\u at character "
                    + (start + 1)
                    + " must be followed by 4 hexadecimal digits");
          }
          code = code * 16 + digit;
          at++;
        }
        return (char) code;
      }
      default ->
          throw new Problem(
              "not valid JSON: "
                  + Unicode.describe(c)
                  + " cannot follow a backslash (at character "
                  + (start + 1)
                  + "); the escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\u followed by 4"
                  + " hexadecimal digits");
    }
  }

  private void literal(String word) {
    if (text.startsWith(word, at) && !isWordCharacter(at + word.length())) {
      at += word.length();
      return;
    }
    throw unexpected("a value");
  }

  private void number() {
    int start = at;
    if (peek() == '-') {
      at++;
      if (at == text.length()) {
        throw endOfFrame("a digit after '-'");
      }
      if (!isDigit(peek())) {
        throw unexpected("a digit after '-'", start);
      }
    }
    if (peek() == '0') {
      at++;
      if (at < text.length() && isDigit(peek())) {
        throw new Problem(
            "not valid JSON: the number at character "
                + (start + 1)
                + " starts with 0 followed by more digits");
      }
    } else {
      digits();
    }
    if (at < text.length() && peek() == '.') {
      at++;
      if (at == text.length() || !isDigit(peek())) {
        throw new Problem(
            "not valid JSON: the number at character "
                + (start + 1)
                + " needs a digit after its decimal point");
      }
      digits();
    }
    if (at < text.length() && (peek() == 'e' || peek() == 'E')) {
      at++;
      if (at < text.length() && (peek() == '+' || peek() == '-')) {
        at++;
      }
      if (at == text.length() || !isDigit(peek())) {
        throw new Problem(
            "not valid JSON: the number at character "
                + (start + 1)
                + " needs a digit after its exponent 'e'");
      }
      digits();
    }
    int digits = at - start - (text.charAt(start) == '-' ? 1 : 0);
    if (digits > limits.maxNumberLength()) {
      throw new Problem(
          "the frame has a number longer than "
              + limits.maxNumberLength()
              + " characters at character "
              + (start + 1));
    }
    if (isWordCharacter(at)) {
      throw unexpected("a number", start);
    }
  }

  private void digits() {
    while (at < text.length() && isDigit(peek())) {
      at++;
    }
  }

  private void whitespace() {
    while (at < text.length()) {
      char c = text.charAt(at);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      at++;
    }
  }

  private char peek() {
    return at < text.length() ? text.charAt(at) : '\0';
  }

  private Problem unexpected(String expected) {
    return unexpected(expected, at);
  }

  /**
   * Something else than {@code expected} at {@code from}: a word (a misspelt {@code true}, a
   * {@code NaN}) is quoted whole, any other character alone.
   */
  private Problem unexpected(String expected, int from) {
    int end = from;
    while (isWordCharacter(end) || (end == from && text.charAt(end) == '-')) {
      end++;
    }
    String found;
    if (end - from > 1 || (end > from && Character.isLetterOrDigit(text.charAt(from)))) {
      String word = text.substring(from, end);
      found = "'" + abbreviate(word) + "'";
      String bare = word.startsWith("-") ? word.substring(1) : word;
      if (bare.equals("NaN") || bare.startsWith("Infinity")) {
        return new Problem(
            "not valid JSON: unexpected "
                + found
                + " at character "
                + (from + 1)
                + ", expected "
                + expected
                + " (JSON numbers are finite: there is no NaN or Infinity)");
      }
    } else {
      found = Unicode.describe(text.codePointAt(from));
    }
    return new Problem(
        "not valid JSON: unexpected " + found + " at character " + (from + 1) + ", expected " + expected);
  }

  private Problem endOfFrame(String expected) {
    return new Problem(
        "not valid JSON: the frame ends at character " + at + ", expected " + expected);
  }

  private Problem unclosed(String container, int start, String expected) {
    return new Problem(
        "not valid JSON: the frame ends before the "
            + container
            + " that starts at character "
            + (start + 1)
            + " is closed (expected "
            + expected
            + ")");
  }

  private boolean isWordCharacter(int index) {
    if (index >= text.length()) {
      return false;
    }
    char c = text.charAt(index);
    return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '+';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static String codePoint(int codePoint) {
    return String.format("U+%04X", codePoint);
  }

  private static String escapeOf(char c) {
    return switch (c) {
      case '\n' -> "\\n";
      case '\r' -> "\\r";
      case '\t' -> "\\t";
      case '\b' -> "\\b";
      case '\f' -> "\\f";
      default -> String.format("\\u%04x", (int) c);
    };
  }

  /** The first 32 characters and an ellipsis; a surrogate pair is never cut in two. */
  private static String abbreviate(String text) {
    if (text.length() <= 32) {
      return text;
    }
    int end = Character.isHighSurrogate(text.charAt(31)) ? 31 : 32;
    return text.substring(0, end) + "…";
  }

  /** The first problem found; ends the check. */
  private static final class Problem extends RuntimeException {
    Problem(String message) {
      super(message, null, false, false);
    }
  }
}
