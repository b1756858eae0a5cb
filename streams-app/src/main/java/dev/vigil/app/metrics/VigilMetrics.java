package dev.vigil.app.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Locale;

/** Vigil's own meters, all under the {@code vigil.} prefix. */
public final class VigilMetrics {

  private final MeterRegistry registry;

  /** Meters registered in the given registry. */
  public VigilMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Meters kept in memory only, for tests and tools. */
  public static VigilMetrics inMemory() {
    return new VigilMetrics(new SimpleMeterRegistry());
  }

  /** The underlying registry. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Counts a record sent to the dead-letter topic. */
  public void deadLetter(String reason, String topic) {
    Counter.builder("vigil.dlq.records")
        .description("Records sent to the dead-letter topic")
        .tag("reason", reason)
        .tag("topic", topic == null ? "unknown" : topic)
        .register(registry)
        .increment();
  }

  /** Counts a finding raised. */
  public void finding(String detectorId) {
    Counter.builder("vigil.findings")
        .description("Findings raised by detectors")
        .tag("detector", detectorId)
        .register(registry)
        .increment();
  }

  /** Counts a decision taken. */
  public void decision(String action, String mode) {
    Counter.builder("vigil.decisions")
        .description("Decisions taken by the policy")
        .tag("action", action.toLowerCase(Locale.ROOT))
        .tag("mode", mode.toLowerCase(Locale.ROOT))
        .register(registry)
        .increment();
  }

  /** Counts an alert raised. */
  public void alert(String level) {
    Counter.builder("vigil.alerts")
        .description("Risk level changes announced")
        .tag("level", level.toLowerCase(Locale.ROOT))
        .register(registry)
        .increment();
  }

  /** Counts a JIT grant that had expired long before it was seen, so was not revoked. */
  public void staleGrant() {
    Counter.builder("vigil.grants.stale")
        .description("Grants seen only long after their expiry, dropped without a command")
        .register(registry)
        .increment();
  }

  /** Counts a signed CAEP SET published, by what it came from (command, alert, finding). */
  public void setIssued(String source) {
    Counter.builder("vigil.sets.issued")
        .description("Signed CAEP Security Event Tokens published")
        .tag("source", source)
        .register(registry)
        .increment();
  }

  /** Counts a policy document that was rejected. */
  public void policyRejected() {
    Counter.builder("vigil.policy.rejected")
        .description("Policy documents that failed validation and were not applied")
        .register(registry)
        .increment();
  }

  /** Sum of a counter over all tags, for tests and the demo summary. */
  public double total(String name) {
    return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
  }
}
