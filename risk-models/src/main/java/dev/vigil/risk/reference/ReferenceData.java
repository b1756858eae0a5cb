package dev.vigil.risk.reference;

import dev.vigil.schema.Criticality;
import dev.vigil.schema.IndicatorType;
import dev.vigil.schema.NetworkKind;
import dev.vigil.schema.NetworkRange;
import dev.vigil.schema.ServiceEdge;
import dev.vigil.schema.SubjectProfile;
import dev.vigil.schema.ThreatIndicator;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reference data the detectors consult: threat intelligence (IPs, CIDR blocks, ASNs), known network
 * ranges (office and corporate-VPN egress, relays, in-flight Wi-Fi, anonymizers; from the networks
 * reference topic) and the allowed service edges. Updated from the compacted reference topics; safe
 * to read from several threads while being updated.
 */
public final class ReferenceData {

  private final Map<String, SubjectProfile> subjects = new ConcurrentHashMap<>();

  private final Map<String, ThreatIndicator> ipIndicators = new ConcurrentHashMap<>();
  private final CidrSet<ThreatIndicator> cidrIndicators = new CidrSet<>();
  private final Map<Long, ThreatIndicator> asnIndicators = new ConcurrentHashMap<>();
  private final Map<String, ThreatIndicator> byKey = new ConcurrentHashMap<>();
  private final CidrSet<NetworkRange> networks = new CidrSet<>();
  private final Map<String, String> networkCidrs = new ConcurrentHashMap<>();
  private final Map<String, ServiceEdge> edges = new ConcurrentHashMap<>();
  private final Map<String, Boolean> workloadsWithEdgePolicy = new ConcurrentHashMap<>();

  /** The key an indicator is stored under on the threat-intel topic: {@code TYPE:value}. */
  public static String indicatorKey(ThreatIndicator indicator) {
    return indicator.getType() + ":" + indicator.getValue();
  }

  /** The key an edge is stored under on the service-edges topic: {@code source|destination}. */
  public static String edgeKey(String source, String destination) {
    return source + "|" + destination;
  }

  /**
   * Adds or replaces an indicator ({@code null} withdraws the one under {@code key}).
   *
   * @throws IllegalArgumentException if a CIDR or ASN indicator's value does not parse
   */
  public void putIndicator(String key, ThreatIndicator indicator) {
    ThreatIndicator previous = byKey.remove(key);
    if (previous != null) {
      removeIndicator(previous);
    }
    if (indicator == null) {
      return;
    }
    switch (indicator.getType()) {
      case IP -> ipIndicators.put(indicator.getValue(), indicator);
      case CIDR -> cidrIndicators.put(indicator.getValue(), indicator);
      case ASN -> asnIndicators.put(parseAsn(indicator.getValue()), indicator);
      case DOMAIN -> {
        // Domains are kept for completeness; no detector matches on them yet.
      }
    }
    byKey.put(key, indicator);
  }

  private void removeIndicator(ThreatIndicator indicator) {
    switch (indicator.getType()) {
      case IP -> ipIndicators.remove(indicator.getValue());
      case CIDR -> cidrIndicators.remove(indicator.getValue());
      case ASN -> asnIndicators.remove(parseAsn(indicator.getValue()));
      case DOMAIN -> {}
    }
  }

  private static long parseAsn(String value) {
    String digits = value.regionMatches(true, 0, "AS", 0, 2) ? value.substring(2) : value;
    try {
      return Long.parseLong(digits.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + value + "' is not an ASN.", e);
    }
  }

  /**
   * The indicator matching an IP or, failing that, its ASN; expired indicators never match.
   *
   * @param ip the address, may be null
   * @param asn the address's autonomous system, may be null
   * @param at event time, compared with the indicators' validity
   */
  public Optional<ThreatMatch> threat(String ip, Long asn, Instant at) {
    if (ip != null) {
      ThreatIndicator exact = ipIndicators.get(ip);
      if (valid(exact, at)) {
        return Optional.of(new ThreatMatch(exact, ip));
      }
      Optional<ThreatIndicator> block = cidrIndicators.match(ip).filter(i -> valid(i, at));
      if (block.isPresent()) {
        return Optional.of(new ThreatMatch(block.get(), ip + " in " + block.get().getValue()));
      }
    }
    if (asn != null) {
      ThreatIndicator byAsn = asnIndicators.get(asn);
      if (valid(byAsn, at)) {
        return Optional.of(new ThreatMatch(byAsn, "AS" + asn));
      }
    }
    return Optional.empty();
  }

  private static boolean valid(ThreatIndicator indicator, Instant at) {
    return indicator != null
        && (indicator.getValidUntil() == null
            || at == null
            || at.isBefore(indicator.getValidUntil()));
  }

  /**
   * Adds or replaces a known network range from the networks reference topic ({@code null}
   * withdraws the one under {@code key}).
   *
   * @throws IllegalArgumentException if the CIDR does not parse
   */
  public void putNetwork(String key, NetworkRange range) {
    String previous = networkCidrs.remove(key);
    if (previous != null) {
      networks.remove(previous);
    }
    if (range == null) {
      return;
    }
    networks.put(range.getCidr(), range);
    networkCidrs.put(key, range.getCidr());
  }

  /** Adds a trusted network (CIDR), such as a corporate egress range. */
  public void addTrustedNetwork(String cidr, String name) {
    putNetwork(
        cidr,
        NetworkRange.newBuilder().setCidr(cidr).setKind(NetworkKind.TRUSTED).setName(name).build());
  }

  /** The known network range containing the address, if any (the most specific one). */
  public Optional<NetworkRange> network(String ip) {
    return ip == null ? Optional.empty() : networks.match(ip);
  }

  /**
   * The name of the trusted network containing the address, if any: office egress or the
   * organisation's own VPN.
   */
  public Optional<String> trustedNetwork(String ip) {
    return network(ip)
        .filter(n -> n.getKind() == NetworkKind.TRUSTED || n.getKind() == NetworkKind.CORPORATE_VPN)
        .map(NetworkRange::getName);
  }

  /**
   * Whether an address's geolocation says nothing about where the person is: trusted office or
   * corporate VPN egress, privacy relays and in-flight Wi-Fi. Consumer VPNs and anonymizers are not
   * excused: an attacker hides behind them.
   */
  public Optional<NetworkRange> locationFreeNetwork(String ip) {
    return network(ip)
        .filter(
            n ->
                switch (n.getKind()) {
                  case TRUSTED, CORPORATE_VPN, RELAY, INFLIGHT_WIFI -> true;
                  default -> false;
                });
  }

  /** Adds or replaces what is known about a subject ({@code null} removes it). */
  public void putSubject(String subjectId, SubjectProfile profile) {
    if (profile == null) {
      subjects.remove(subjectId);
    } else {
      subjects.put(subjectId, profile);
    }
  }

  /** What is known about a subject, if anything. */
  public Optional<SubjectProfile> subject(String subjectId) {
    return Optional.ofNullable(subjects.get(subjectId));
  }

  /** A subject's criticality; {@code MEDIUM} (neutral) when nothing is known. */
  public Criticality criticality(String subjectId) {
    SubjectProfile p = subjects.get(subjectId);
    return p == null || p.getCriticality() == null ? Criticality.MEDIUM : p.getCriticality();
  }

  /** Adds or replaces an allowed edge ({@code null} removes the one under {@code key}). */
  public void putEdge(String key, ServiceEdge edge) {
    if (edge == null) {
      edges.remove(key);
      return;
    }
    edges.put(key, edge);
    workloadsWithEdgePolicy.put(edge.getSourceWorkload(), Boolean.TRUE);
  }

  /** The allowed edge from source to destination, if the segmentation policy has one. */
  public Optional<ServiceEdge> allowedEdge(String source, String destination) {
    return Optional.ofNullable(edges.get(edgeKey(source, destination)));
  }

  /** Whether the segmentation policy lists any allowed edge out of this workload. */
  public boolean hasEdgePolicy(String source) {
    return workloadsWithEdgePolicy.containsKey(source);
  }

  /** Indicator kinds currently loaded, for diagnostics. */
  public Map<IndicatorType, Integer> indicatorCounts() {
    return Map.of(
        IndicatorType.IP, ipIndicators.size(),
        IndicatorType.CIDR, cidrIndicators.size(),
        IndicatorType.ASN, asnIndicators.size());
  }
}
