package dev.vigil.risk.reference;

import dev.vigil.schema.ThreatIndicator;

/**
 * A threat-intelligence hit: the indicator that matched and what it matched on.
 *
 * @param indicator the matching indicator
 * @param matchedOn the IP or ASN that matched, as text
 */
public record ThreatMatch(ThreatIndicator indicator, String matchedOn) {}
