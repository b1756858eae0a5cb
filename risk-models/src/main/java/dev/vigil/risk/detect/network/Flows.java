package dev.vigil.risk.detect.network;

import dev.vigil.risk.detect.baseline.RecencySet;
import dev.vigil.risk.reference.IpAddresses;
import dev.vigil.risk.reference.ReferenceData;
import dev.vigil.schema.NetworkFlow;
import dev.vigil.schema.ServiceEdge;
import java.util.Optional;

/** What the network detectors read off a flow. */
final class Flows {

  private Flows() {}

  /** The destination's identity when known, else its IP. */
  static String destination(NetworkFlow flow) {
    return flow.getDestinationWorkload() != null
        ? flow.getDestinationWorkload()
        : flow.getDestinationIp();
  }

  /**
   * The destination's domain when the flow source reports one: attribute {@code domain} (DNS name
   * from the proxy or DNS enrichment), else {@code sni} (TLS server name); null otherwise.
   */
  static String domain(NetworkFlow flow) {
    if (flow.getAttributes() == null) {
      return null;
    }
    String d = flow.getAttributes().get("domain");
    if (d == null || d.isBlank()) {
      d = flow.getAttributes().get("sni");
    }
    return d == null || d.isBlank() ? null : d.trim();
  }

  /**
   * The segmentation policy's edge for this flow's destination: the workload edge, else (for a
   * destination without workload identity) the declared CIDR or domain; empty when the source has
   * no policy or the destination is not declared. Ports are not checked here.
   */
  static Optional<ServiceEdge> declaredEdge(NetworkFlow flow, ReferenceData reference) {
    String source = flow.getSourceWorkload();
    if (!reference.hasEdgePolicy(source)) {
      return Optional.empty();
    }
    Optional<ServiceEdge> edge = reference.allowedEdge(source, destination(flow));
    if (edge.isEmpty() && flow.getDestinationWorkload() == null) {
      edge = reference.allowedExternal(source, flow.getDestinationIp(), domain(flow));
    }
    return edge;
  }

  /** Whether the edge allows the flow's port (an edge without ports allows every port). */
  static boolean allowsPort(ServiceEdge edge, NetworkFlow flow) {
    return edge.getPorts().isEmpty() || edge.getPorts().contains(flow.getDestinationPort());
  }

  /** "payments-db (10.0.3.4:5432)" or "203.0.113.9:443". */
  static String describe(NetworkFlow flow) {
    String endpoint = flow.getDestinationIp() + ":" + flow.getDestinationPort();
    return flow.getDestinationWorkload() != null
        ? flow.getDestinationWorkload() + " (" + endpoint + ")"
        : endpoint;
  }

  /** East-west: the destination is a known workload or a private, loopback or link-local IP. */
  static boolean internal(NetworkFlow flow) {
    return flow.getDestinationWorkload() != null || privateIp(flow.getDestinationIp());
  }

  /** RFC 1918, RFC 6598 shared, loopback, link-local, IPv6 unique-local and link-local. */
  static boolean privateIp(String ip) {
    Optional<byte[]> parsed = IpAddresses.parse(ip);
    if (parsed.isEmpty()) {
      return false;
    }
    byte[] a = parsed.get();
    int b0 = a[0] & 0xFF;
    int b1 = a[1] & 0xFF;
    if (a.length == 4) {
      return b0 == 10
          || b0 == 127
          || (b0 == 172 && b1 >= 16 && b1 <= 31)
          || (b0 == 192 && b1 == 168)
          || (b0 == 169 && b1 == 254)
          || (b0 == 100 && b1 >= 64 && b1 <= 127);
    }
    boolean loopback = true;
    for (int i = 0; i < 15; i++) {
      loopback &= a[i] == 0;
    }
    return (loopback && a[15] == 1) || (b0 & 0xFE) == 0xFC || (b0 == 0xFE && (b1 & 0xC0) == 0x80);
  }

  /**
   * Whether a key was reported within {@code repeatMillis} before {@code at}; records it if not.
   */
  static boolean reportedRecently(RecencySet reported, String key, long at, long repeatMillis) {
    int fp = RecencySet.fingerprint(key);
    int minute = RecencySet.minute(at);
    int previous = reported.lastSeen(fp);
    if (previous != Integer.MIN_VALUE
        && Math.abs((long) (minute - previous)) * 60_000L < repeatMillis) {
      return true;
    }
    reported.touch(fp, minute, 16);
    return false;
  }

  /** "1.2 GB". */
  static String bytes(double n) {
    String[] units = {"B", "KB", "MB", "GB", "TB"};
    int u = 0;
    while (n >= 1000 && u < units.length - 1) {
      n /= 1000;
      u++;
    }
    return String.format(java.util.Locale.ROOT, u == 0 ? "%.0f %s" : "%.1f %s", n, units[u]);
  }
}
