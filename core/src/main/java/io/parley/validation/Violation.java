package io.parley.validation;

/** A field that broke a documented limit, with a message meant for the developer who sent it. */
public record Violation(String field, String message) {

  @Override
  public String toString() {
    return field + ": " + message;
  }
}
