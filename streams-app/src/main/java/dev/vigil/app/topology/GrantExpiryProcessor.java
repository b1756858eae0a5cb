package dev.vigil.app.topology;

import dev.vigil.app.metrics.VigilMetrics;
import dev.vigil.app.topology.ScoringOutput.Kind;
import dev.vigil.risk.decision.Decision;
import dev.vigil.risk.decision.DecisionEngine;
import dev.vigil.risk.decision.GrantExpiry;
import dev.vigil.risk.decision.RiskOutputs;
import dev.vigil.risk.reference.ReferenceData;
import dev.vigil.schema.AccessGrant;
import dev.vigil.schema.DecisionMode;
import dev.vigil.schema.EnforcementCommand;
import dev.vigil.schema.GrantStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes back just-in-time grants when they expire, even if nothing else happens: live grants are
 * kept in a store indexed by expiry, and a wall-clock punctuator turns each expired one into a
 * {@code REVOKE_GRANT} decision under the policy in force. A grant revoked or expired upstream is
 * forgotten; a re-issued grant replaces its old expiry.
 *
 * <p>The store holds two entries per grant: {@code g/<grantId>} and {@code x/<20-digit
 * expiry>/<grantId>}, so the punctuator reads only the expired range.
 */
final class GrantExpiryProcessor implements Processor<String, AccessGrant, String, ScoringOutput> {

  /** A grant that expired longer ago than this when first seen is dropped, not revoked. */
  static final Duration MAX_LATENESS = Duration.ofHours(24);

  private static final Logger LOG = LoggerFactory.getLogger(GrantExpiryProcessor.class);
  private static final String BY_ID = "g/";
  private static final String BY_EXPIRY = "x/";

  private final DecisionEngine decisions = new DecisionEngine();
  private final PolicyHolder policy;
  private final ReferenceData reference;
  private final Duration checkInterval;
  private final VigilMetrics metrics;
  private ProcessorContext<String, ScoringOutput> context;
  private KeyValueStore<String, PendingGrant> store;

  GrantExpiryProcessor(
      PolicyHolder policy, ReferenceData reference, Duration checkInterval, VigilMetrics metrics) {
    this.policy = policy;
    this.reference = reference;
    this.checkInterval = checkInterval;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, ScoringOutput> context) {
    this.context = context;
    this.store = context.getStateStore(StoreNames.GRANTS);
    context.schedule(checkInterval, PunctuationType.WALL_CLOCK_TIME, this::expire);
  }

  @Override
  public void process(Record<String, AccessGrant> record) {
    AccessGrant grant = record.value();
    if (grant == null || grant.getGrantId() == null || grant.getExpiresAt() == null) {
      return;
    }
    PendingGrant previous = store.get(BY_ID + grant.getGrantId());
    if (previous != null) {
      store.delete(expiryKey(previous));
    }
    if (grant.getStatus() != GrantStatus.ACTIVE) {
      store.delete(BY_ID + grant.getGrantId());
      return;
    }
    PendingGrant pending = PendingGrant.of(grant);
    store.put(BY_ID + pending.grantId, pending);
    store.put(expiryKey(pending), pending);
  }

  private void expire(long nowMillis) {
    List<KeyValue<String, PendingGrant>> due = new ArrayList<>();
    try (KeyValueIterator<String, PendingGrant> it =
        store.range(BY_EXPIRY, BY_EXPIRY + pad(nowMillis) + "/\uffff")) {
      it.forEachRemaining(due::add);
    }
    Instant now = Instant.ofEpochMilli(nowMillis);
    for (KeyValue<String, PendingGrant> kv : due) {
      PendingGrant grant = kv.value;
      store.delete(kv.key);
      store.delete(BY_ID + grant.grantId);
      if (nowMillis - grant.expiresAtMillis > MAX_LATENESS.toMillis()) {
        metrics.staleGrant();
        LOG.debug("Grant {} expired long before it was seen; not revoking.", grant.grantId);
        continue;
      }
      GrantExpiry expiry = grant.expiry(reference.criticality(grant.subjectId));
      Decision decision = decisions.decideGrantExpiry(policy.current(), expiry, now).orElse(null);
      if (decision == null) {
        continue;
      }
      metrics.decision(decision.action().name(), decision.mode().name());
      EnforcementCommand command = RiskOutputs.grantRevocation(decision, expiry, now);
      context.forward(
          new Record<>(grant.subjectId, new ScoringOutput(Kind.AUDIT, command), nowMillis));
      if (decision.mode() == DecisionMode.ENFORCE) {
        context.forward(
            new Record<>(grant.subjectId, new ScoringOutput(Kind.COMMAND, command), nowMillis));
      }
    }
  }

  private static String expiryKey(PendingGrant grant) {
    return BY_EXPIRY + pad(grant.expiresAtMillis) + "/" + grant.grantId;
  }

  private static String pad(long millis) {
    return String.format(Locale.ROOT, "%020d", Math.max(0, millis));
  }
}
