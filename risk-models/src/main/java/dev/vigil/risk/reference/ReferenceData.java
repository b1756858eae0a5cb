package dev.vigil.risk.reference;

import dev.vigil.schema.Criticality;
import dev.vigil.schema.EdgeDestinationKind;
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
  private final Map<String, CidrSet<ServiceEdge>> cidrEdges = new ConcurrentHashMap<>();
  private final Map<String, Map<String, ServiceEdge>> domainEdges = new ConcurrentHashMap<>();

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

  /**
   * Adds or replaces an allowed edge ({@code null} removes the one under {@code key}): to a
   * workload, or to an external destination (a CIDR block or a domain, by {@code destinationKind}).
   *
   * @throws IllegalArgumentException if a CIDR edge's destination is not a CIDR block
   */
  public void putEdge(String key, ServiceEdge edge) {
    ServiceEdge previous = edge == null ? edges.remove(key) : edges.get(key);
    if (previous != null && external(previous)) {
      removeExternal(previous);
    }
    if (edge == null) {
      return;
    }
    if (edge.getDestinationKind() == EdgeDestinationKind.CIDR) {
      cidrEdges
          .computeIfAbsent(edge.getSourceWorkload(), s -> new CidrSet<>())
          .put(edge.getDestinationWorkload().trim(), edge);
    } else if (edge.getDestinationKind() == EdgeDestinationKind.DOMAIN) {
      domainEdges
          .computeIfAbsent(edge.getSourceWorkload(), s -> new ConcurrentHashMap<>())
          .put(domain(edge.getDestinationWorkload()), edge);
    }
    edges.put(key, edge);
    workloadsWithEdgePolicy.put(edge.getSourceWorkload(), Boolean.TRUE);
  }

  private static boolean external(ServiceEdge edge) {
    return edge.getDestinationKind() != null
        && edge.getDestinationKind() != EdgeDestinationKind.WORKLOAD;
  }

  private void removeExternal(ServiceEdge edge) {
    String source = edge.getSourceWorkload();
    if (edge.getDestinationKind() == EdgeDestinationKind.CIDR) {
      CidrSet<ServiceEdge> set = cidrEdges.get(source);
      if (set != null) {
        set.remove(edge.getDestinationWorkload().trim());
      }
    } else {
      Map<String, ServiceEdge> byDomain = domainEdges.get(source);
      if (byDomain != null) {
        byDomain.remove(domain(edge.getDestinationWorkload()));
      }
    }
  }

  private static String domain(String name) {
    String d = name.trim().toLowerCase(java.util.Locale.ROOT);
    return d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
  }

  /** The allowed edge from source to destination, if the segmentation policy has one. */
  public Optional<ServiceEdge> allowedEdge(String source, String destination) {
    return Optional.ofNullable(edges.get(edgeKey(source, destination)));
  }

  /**
   * The allowed external edge from a workload to a destination address or domain, if the
   * segmentation policy declares one: the most specific CIDR block containing the address, else the
   * domain itself, else the closest {@code *.parent} wildcard above it.
   *
   * @param source the source workload
   * @param ip the destination address, or null
   * @param domain the destination's domain (DNS name, TLS server name), or null
   */
  public Optional<ServiceEdge> allowedExternal(String source, String ip, String domain) {
    CidrSet<ServiceEdge> blocks = cidrEdges.get(source);
    if (blocks != null && ip != null) {
      Optional<ServiceEdge> match = blocks.match(ip);
      if (match.isPresent()) {
        return match;
      }
    }
    Map<String, ServiceEdge> byDomain = domainEdges.get(source);
    if (byDomain == null || domain == null || domain.isBlank()) {
      return Optional.empty();
    }
    String d = domain(domain);
    ServiceEdge exact = byDomain.get(d);
    if (exact != null) {
      return Optional.of(exact);
    }
    for (int dot = d.indexOf('.'); dot >= 0; dot = d.indexOf('.', dot + 1)) {
      ServiceEdge wildcard = byDomain.get("*" + d.substring(dot));
      if (wildcard != null) {
        return Optional.of(wildcard);
      }
    }
    return Optional.empty();
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
