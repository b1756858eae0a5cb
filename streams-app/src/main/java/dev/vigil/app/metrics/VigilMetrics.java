package dev.vigil.app.metrics;

import dev.vigil.app.errors.DeadLetters;
import dev.vigil.schema.DecisionMode;
import dev.vigil.schema.EnforcementAction;
import dev.vigil.schema.RiskLevel;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * Vigil's own meters, all under the {@code vigil.} prefix. Every series whose tag values are known
 * up front (detectors, actions, modes, levels, reasons, signal sources) is registered with zero
 * when it becomes known, so alert rules can be written before the first event.
 */
public final class VigilMetrics implements dev.vigil.app.errors.DeadLetterCounter {

  /** Signals in, by source (signal family) and outcome. */
  public static final String EVENTS = "vigil.events";

  /** Findings raised, by detector. */
  public static final String FINDINGS = "vigil.findings";

  /** Decisions taken, by action and mode. */
  public static final String DECISIONS = "vigil.decisions";

  /** Alerts (risk level changes), by level. */
  public static final String ALERTS = "vigil.alerts";

  /** Dead-lettered records, by reason. */
  public static final String DLQ_RECORDS = "vigil.dlq.records";

  /** Subjects with risk state on this instance. */
  public static final String SUBJECTS_TRACKED = "vigil.subjects.tracked";

  /** Records on this instance's input partitions not yet consumed. */
  public static final String INPUT_LAG = "vigil.input.lag";

  /** Version of the policy in force. */
  public static final String POLICY_VERSION = "vigil.policy.version";

  /** Policy documents rejected. */
  public static final String POLICY_REJECTED = "vigil.policy.rejected";

  /** Signed SETs published to the SETs topic, by what they came from. */
  public static final String SETS_ISSUED = "vigil.sets.issued";

  /** SET deliveries to receivers, by delivery method and outcome. */
  public static final String SET_DELIVERIES = "vigil.sets.deliveries";

  /** Grants seen long after their expiry. */
  public static final String GRANTS_STALE = "vigil.grants.stale";

  /**
   * Risk score of the riskiest subjects at level medium or above on this instance (at most {@link
   * #TOP_SUBJECTS_SHOWN}, tagged by subject and level); absent while no subject is at risk.
   */
  public static final String TOP_SUBJECTS = "vigil.risk.top.subjects";

  /** How many subjects {@link #TOP_SUBJECTS} exports. */
  public static final int TOP_SUBJECTS_SHOWN = 10;

  private static final int AT_RISK_KEPT = 10_000;

  /** Time from a signal's append to the append of the alert or command it caused. */
  public static final String DETECTION_LATENCY = "vigil.detection.latency";

  /** Outcome of a signal that passed validation. */
  public static final String ACCEPTED = "accepted";

  /** Outcome of a signal that failed validation (and was dead-lettered as out of range). */
  public static final String INVALID = "invalid";

  /** Outcome of a signal that could not be decoded (dead-lettered before validation). */
  public static final String DEAD_LETTERED = "dead-lettered";

  /** Latency output tag: an alert. */
  public static final String OUTPUT_ALERT = "alert";

  /** Latency output tag: an enforced command. */
  public static final String OUTPUT_COMMAND = "command";

  private static final List<String> OUTCOMES = List.of(ACCEPTED, INVALID, DEAD_LETTERED);
  private static final List<String> SET_SOURCES = List.of("command", "alert", "finding");
  private static final List<String> DELIVERY_METHODS = List.of("push", "poll");
  private static final List<String> DELIVERY_OUTCOMES = List.of("delivered", "failed");

  private final MeterRegistry registry;
  private final Map<String, String> sourceByTopic = new ConcurrentHashMap<>();
  private final Map<String, Counter> eventCounters = new ConcurrentHashMap<>();
  private volatile DoubleSupplier subjects = () -> 0;
  private volatile DoubleSupplier policyVersion = () -> 0;
  private volatile DoubleSupplier inputLag = () -> 0;
  private final Map<String, AtRisk> atRisk = new ConcurrentHashMap<>();
  private final MultiGauge topSubjects;
  private volatile long topRefreshedAt;
  private volatile boolean topRefreshed;

  private record AtRisk(double score, String level) {}

  /** Meters registered in the given registry, each known series at zero. */
  public VigilMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder(SUBJECTS_TRACKED, this, m -> m.subjects.getAsDouble())
        .description("Subjects with risk state on this instance (store size estimate)")
        .register(registry);
    Gauge.builder(INPUT_LAG, this, m -> m.inputLag.getAsDouble())
        .description("Records on this instance's assigned input partitions not yet consumed")
        .register(registry);
    Gauge.builder(POLICY_VERSION, this, m -> m.policyVersion.getAsDouble())
        .description("Version of the policy in force")
        .register(registry);
    policyRejectedCounter();
    staleGrantCounter();
    for (RiskLevel level : RiskLevel.values()) {
      alertCounter(level.name());
    }
    for (EnforcementAction action : EnforcementAction.values()) {
      if (action != EnforcementAction.UNKNOWN) {
        for (DecisionMode mode : DecisionMode.values()) {
          decisionCounter(action.name(), mode.name());
        }
      }
    }
    DeadLetters.reasons().forEach(this::deadLetterCounter);
    SET_SOURCES.forEach(this::setIssuedCounter);
    for (String method : DELIVERY_METHODS) {
      DELIVERY_OUTCOMES.forEach(outcome -> deliveryCounter(method, outcome));
    }
    latency(OUTPUT_ALERT);
    latency(OUTPUT_COMMAND);
    topSubjects =
        MultiGauge.builder(TOP_SUBJECTS)
            .description("Risk score of the riskiest subjects at level medium or above")
            .register(registry);
  }

  /** Meters kept in memory only, for tests and tools. */
  public static VigilMetrics inMemory() {
    return new VigilMetrics(new SimpleMeterRegistry());
  }

  /**
   * Binds the JVM's meters (memory, GC, threads, class loading, processor, uptime) to a registry.
   *
   * @return stops the GC listener
   */
  public static Runnable bindJvm(MeterRegistry registry) {
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    return gc::close;
  }

  /**
   * A Prometheus text exposition without its NaN samples (statistics with no sample in their
   * window), so every exported sample is a number a query can use.
   */
  public static String withoutNaN(String exposition) {
    StringBuilder out = new StringBuilder(exposition.length());
    for (String line : exposition.split("\n", -1)) {
      if (!line.startsWith("#") && (line.endsWith(" NaN") || line.contains(" NaN "))) {
        continue;
      }
      out.append(line).append('\n');
    }
    out.setLength(Math.max(0, out.length() - 1));
    return out.toString();
  }

  /** The underlying registry. */
  public MeterRegistry registry() {
    return registry;
  }

  /**
   * Declares a signal source read from a topic: its event counters start at zero, and records that
   * fail to decode on that topic count as dead-lettered events of this source.
   */
  public void source(String topic, String source) {
    sourceByTopic.put(topic, source);
    OUTCOMES.forEach(outcome -> eventCounter(source, outcome));
  }

  /** Declares the finding ids detectors can raise, so their counters start at zero. */
  public void detectors(Collection<String> findingIds) {
    findingIds.forEach(this::findingCounter);
  }

  /** Reports the number of subjects tracked from now on. */
  public void subjectsTracked(DoubleSupplier count) {
    this.subjects = count;
  }

  /** Reports the input lag from now on. */
  public void inputLag(DoubleSupplier records) {
    this.inputLag = records;
  }

  /** Reports the version of the policy in force from now on. */
  public void policyVersion(DoubleSupplier version) {
    this.policyVersion = version;
  }

  /** Counts a signal in, by source and outcome ({@link #ACCEPTED}, {@link #INVALID}, ...). */
  public void event(String source, String outcome) {
    eventCounter(source, outcome).increment();
  }

  /** Counts a record sent to the dead-letter topic after it was decoded (processing failed). */
  @Override
  public void deadLetter(String reason, String topic) {
    deadLetterCounter(reason).increment();
  }

  /**
   * Counts a record sent to the dead-letter topic because it could not be decoded; when it came
   * from a signal topic, also counts a dead-lettered event of that source.
   */
  @Override
  public void deadLetterUndecoded(String reason, String topic) {
    deadLetterCounter(reason).increment();
    String source = topic == null ? null : sourceByTopic.get(topic);
    if (source != null) {
      event(source, DEAD_LETTERED);
    }
  }

  /** Counts a finding raised. */
  public void finding(String detectorId) {
    findingCounter(detectorId).increment();
  }

  /** Counts a decision taken. */
  public void decision(String action, String mode) {
    decisionCounter(action, mode).increment();
  }

  /** Counts an alert raised. */
  public void alert(String level) {
    alertCounter(level).increment();
  }

  /** Counts a JIT grant that had expired long before it was seen, so was not revoked. */
  public void staleGrant() {
    staleGrantCounter().increment();
  }

  /** Counts a signed CAEP SET published, by what it came from (command, alert, finding). */
  public void setIssued(String source) {
    setIssuedCounter(source).increment();
  }

  /** Counts a SET delivery attempt to a receiver ({@code push}/{@code poll}, outcome). */
  public void setDelivery(String method, String outcome) {
    deliveryCounter(method, outcome).increment();
  }

  /** Counts a policy document that was rejected. */
  public void policyRejected() {
    policyRejectedCounter().increment();
  }

  /**
   * Records the detection latency of an output appended now, caused by a signal appended at the
   * given time (a record timestamp); negative spans (clock skew) count as zero.
   */
  public void detected(String output, long signalAppendMillis) {
    long now = registry.config().clock().wallTime();
    latency(output).record(Math.max(0, now - signalAppendMillis), TimeUnit.MILLISECONDS);
  }

  /**
   * Notes a subject's current risk for {@link #TOP_SUBJECTS}: kept while at medium or above,
   * dropped below.
   */
  public void subjectRisk(String subject, double score, RiskLevel level) {
    boolean changed;
    if (level.ordinal() >= RiskLevel.MEDIUM.ordinal()) {
      if (atRisk.size() >= AT_RISK_KEPT && !atRisk.containsKey(subject)) {
        return;
      }
      String name = level.name().toLowerCase(Locale.ROOT);
      AtRisk before = atRisk.put(subject, new AtRisk(score, name));
      changed = before == null || !before.level().equals(name);
    } else {
      changed = atRisk.remove(subject) != null;
      if (!changed) {
        return;
      }
    }
    // A subject entering, leaving or changing level shows at once; score moves once a second.
    long now = registry.config().clock().monotonicTime();
    if (changed || !topRefreshed || now - topRefreshedAt >= TimeUnit.SECONDS.toNanos(1)) {
      topRefreshed = true;
      topRefreshedAt = now;
      refreshTopSubjects();
    }
  }

  private synchronized void refreshTopSubjects() {
    topSubjects.register(
        atRisk.entrySet().stream()
            .sorted(
                Map.Entry.<String, AtRisk>comparingByValue(
                        java.util.Comparator.comparingDouble(AtRisk::score))
                    .reversed())
            .limit(TOP_SUBJECTS_SHOWN)
            .map(
                e ->
                    MultiGauge.Row.of(
                        Tags.of("subject", e.getKey(), "level", e.getValue().level()),
                        e.getValue().score()))
            .toList(),
        true);
  }

  /** Sum of a counter over all tags, for tests and the demo summary. */
  public double total(String name) {
    return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
  }

  private Counter eventCounter(String source, String outcome) {
    // Counted for every signal: looked up here rather than built and registered each time.
    return eventCounters.computeIfAbsent(
        source + '\u0000' + outcome,
        k ->
            Counter.builder(EVENTS)
                .description("Signals in, by source and outcome")
                .tag("source", source)
                .tag("outcome", outcome)
                .register(registry));
  }

  private Counter findingCounter(String detectorId) {
    return Counter.builder(FINDINGS)
        .description("Findings raised by detectors")
        .tag("detector", detectorId)
        .register(registry);
  }

  private Counter decisionCounter(String action, String mode) {
    return Counter.builder(DECISIONS)
        .description("Decisions taken by the policy")
        .tag("action", action.toLowerCase(Locale.ROOT))
        .tag("mode", mode.toLowerCase(Locale.ROOT))
        .register(registry);
  }

  private Counter alertCounter(String level) {
    return Counter.builder(ALERTS)
        .description("Risk level changes announced")
        .tag("level", level.toLowerCase(Locale.ROOT))
        .register(registry);
  }

  private Counter deadLetterCounter(String reason) {
    return Counter.builder(DLQ_RECORDS)
        .description("Records sent to the dead-letter topic")
        .tag("reason", reason)
        .register(registry);
  }

  private Counter setIssuedCounter(String source) {
    return Counter.builder(SETS_ISSUED)
        .description("Signed CAEP Security Event Tokens published")
        .tag("source", source)
        .register(registry);
  }

  private Counter deliveryCounter(String method, String outcome) {
    return Counter.builder(SET_DELIVERIES)
        .description("SET deliveries to stream receivers")
        .tag("method", method)
        .tag("outcome", outcome)
        .register(registry);
  }

  private Counter policyRejectedCounter() {
    return Counter.builder(POLICY_REJECTED)
        .description("Policy documents that failed validation and were not applied")
        .register(registry);
  }

  private Counter staleGrantCounter() {
    return Counter.builder(GRANTS_STALE)
        .description("Grants seen only long after their expiry, dropped without a command")
        .register(registry);
  }

  private Timer latency(String output) {
    return Timer.builder(DETECTION_LATENCY)
        .description("Signal append to alert or command append")
        .tag("output", output)
        .serviceLevelObjectives(
            Duration.ofMillis(100),
            Duration.ofMillis(250),
            Duration.ofMillis(500),
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(5),
            Duration.ofSeconds(10),
            Duration.ofSeconds(30),
            Duration.ofMinutes(1),
            Duration.ofMinutes(2),
            Duration.ofMinutes(5),
            Duration.ofMinutes(15))
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofHours(1))
        .register(registry);
  }
}
