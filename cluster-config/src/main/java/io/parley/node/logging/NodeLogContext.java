package io.parley.node.logging;

import ch.qos.logback.classic.LoggerContext;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * The node's cluster address on every log line from when it is known ({@code node}: a property
 * of the logging context, which JSON lines carry as a field). One node per JVM: nodes started
 * side by side in one JVM (tests) share the last one's address.
 */
public final class NodeLogContext {

  public static final String NODE = "node";

  private NodeLogContext() {}

  public static void node(String address) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (factory instanceof LoggerContext context) {
      context.putProperty(NODE, address);
    }
  }
}
