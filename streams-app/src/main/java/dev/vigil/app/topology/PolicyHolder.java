package dev.vigil.app.topology;

import dev.vigil.app.metrics.VigilMetrics;
import dev.vigil.risk.decision.Policy;
import dev.vigil.risk.decision.PolicyException;
import dev.vigil.risk.decision.PolicyParser;
import dev.vigil.schema.PolicyDocument;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy in force for one application instance: the built-in default until a document for the
 * active policy id arrives on the policy topic, then the newest valid version. A document that
 * fails validation, or is older than the one in force, is ignored and counted.
 */
public final class PolicyHolder {

  private static final Logger LOG = LoggerFactory.getLogger(PolicyHolder.class);

  private final String activePolicyId;
  private final AtomicReference<Policy> current;
  private final VigilMetrics metrics;

  /**
   * Creates a holder.
   *
   * @param activePolicyId the policy id this instance follows
   * @param initial the policy in force until one is published
   */
  public PolicyHolder(String activePolicyId, Policy initial, VigilMetrics metrics) {
    this.activePolicyId = activePolicyId;
    this.current = new AtomicReference<>(initial);
    this.metrics = metrics;
    metrics.policyVersion(() -> current.get().version());
  }

  /** The policy in force. */
  public Policy current() {
    return current.get();
  }

  /** The policy id this instance follows. */
  public String activePolicyId() {
    return activePolicyId;
  }

  /** Applies a published document if it is for the active id, valid and newer. */
  public void offer(PolicyDocument doc) {
    if (doc == null || !activePolicyId.equals(doc.getPolicyId())) {
      return;
    }
    Policy parsed;
    try {
      parsed = PolicyParser.parse(doc.getDocument());
    } catch (PolicyException e) {
      metrics.policyRejected();
      LOG.warn("Ignored policy {} v{}: {}", doc.getPolicyId(), doc.getVersion(), e.getMessage());
      return;
    }
    Policy withVersion = new Policy(doc.getPolicyId(), doc.getVersion(), parsed.rules());
    Policy before =
        current.getAndUpdate(
            p ->
                p.policyId().equals(withVersion.policyId()) && p.version() >= withVersion.version()
                    ? p
                    : withVersion);
    if (before != current.get()) {
      LOG.info("Policy {} version {} is now in force.", doc.getPolicyId(), doc.getVersion());
    }
  }
}
