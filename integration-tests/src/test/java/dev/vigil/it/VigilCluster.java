package dev.vigil.it;

import dev.vigil.dev.registry.InProcessSchemaRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real broker and schema registry every integration test runs against, as a JUnit 5 extension:
 * started once per test JVM on first use (Docker when reachable, else Kafka's in-JVM KRaft cluster)
 * and stopped when the JVM's tests are done. Tests isolate themselves by topic prefix and
 * application id ({@link PipelineHarness}), so they share it safely.
 *
 * <pre>{@code @RegisterExtension static final VigilCluster CLUSTER = VigilCluster.shared();}</pre>
 */
final class VigilCluster implements BeforeAllCallback {

  private static final Object LOCK = new Object();
  private static Resources shared;

  private VigilCluster() {}

  /** The cluster shared by every test class in this JVM. */
  static VigilCluster shared() {
    return new VigilCluster();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    synchronized (LOCK) {
      if (shared == null) {
        shared = new Resources(KafkaBrokers.start(), InProcessSchemaRegistry.start(0));
        // The root store closes it once, after the last test class of the JVM.
        context
            .getRoot()
            .getStore(ExtensionContext.Namespace.GLOBAL)
            .put(VigilCluster.class, shared);
      }
    }
  }

  private static Resources resources() {
    synchronized (LOCK) {
      if (shared == null) {
        throw new IllegalStateException("VigilCluster is used before its extension started it.");
      }
      return shared;
    }
  }

  /** Bootstrap servers of the broker. */
  String bootstrapServers() {
    return resources().broker.bootstrapServers();
  }

  /** Base URL of the schema registry. */
  String registryUrl() {
    return resources().registry.url();
  }

  /** The in-process schema registry (for compatibility settings). */
  InProcessSchemaRegistry registry() {
    return resources().registry;
  }

  /** What provides the broker, for test output. */
  String description() {
    return resources().broker.description();
  }

  /** A pipeline harness with its own topics (created, 3 partitions) and application id. */
  PipelineHarness harness(Path stateDir) throws Exception {
    return new PipelineHarness(bootstrapServers(), registryUrl(), stateDir).createTopics();
  }

  private static final class Resources implements AutoCloseable {
    private final KafkaBroker broker;
    private final InProcessSchemaRegistry registry;

    private Resources(KafkaBroker broker, InProcessSchemaRegistry registry) {
      this.broker = broker;
      this.registry = registry;
    }

    @Override
    public void close() {
      synchronized (LOCK) {
        shared = null;
      }
      registry.close();
      broker.close();
    }
  }
}
