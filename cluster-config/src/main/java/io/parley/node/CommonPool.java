package io.parley.node;

import java.util.Optional;

/**
 * Keeps the JDK's common ForkJoinPool at two threads or more. Pekko's Java futures are Scala
 * futures behind {@code CompletableFuture}, and Scala's converter makes their {@code thenApply},
 * {@code whenComplete} and the like asynchronous: they run on the common pool, or, where that
 * pool has fewer than two threads (its default on a machine or container with two cores or
 * fewer), on a new thread each. A node sets the pool's size before anything starts the pool,
 * unless the JVM was given one ({@code -Djava.util.concurrent.ForkJoinPool.common.parallelism}).
 */
final class CommonPool {

  static final String PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

  private CommonPool() {}

  static void atLeastTwoThreads() {
    parallelismFor(System.getProperty(PARALLELISM), Runtime.getRuntime().availableProcessors())
        .ifPresent(parallelism -> System.setProperty(PARALLELISM, parallelism));
  }

  /** The parallelism to set, if any: the pool's default (cores − 1), but at least two. */
  static Optional<String> parallelismFor(String configured, int cores) {
    if (configured != null) {
      return Optional.empty();
    }
    return Optional.of(String.valueOf(Math.max(2, cores - 1)));
  }
}
