package dev.vigil.risk.decision;

import java.util.List;

/**
 * A decision policy: an ordered list of rules, the first matching one decides.
 *
 * @param policyId stable id
 * @param version increases with every published change
 * @param rules ordered rules
 */
public record Policy(String policyId, int version, List<PolicyRule> rules) {

  /** Copies the rule list. */
  public Policy {
    rules = List.copyOf(rules);
  }
}
