package io.parley.validation;

import com.typesafe.config.Config;

/** The size and format limits of every client-supplied field ({@code parley.limits}). */
public record FieldLimits(
    int idMaxLength,
    int nameMaxLength,
    int keyMaxLength,
    int valueMaxBytes,
    int valueMaxDepth,
    int batchMaxOps,
    int chatMaxLength,
    int documentIdMaxLength,
    int documentTypeMaxLength,
    int titleMaxLength) {

  public static FieldLimits fromConfig(Config limits) {
    return new FieldLimits(
        limits.getInt("id-max-length"),
        limits.getInt("name-max-length"),
        limits.getInt("key-max-length"),
        (int) limits.getBytes("value-max-bytes").longValue(),
        limits.getInt("value-max-depth"),
        limits.getInt("batch-max-ops"),
        limits.getInt("chat-max-length"),
        limits.getInt("document-id-max-length"),
        limits.getInt("document-type-max-length"),
        limits.getInt("title-max-length"));
  }
}
