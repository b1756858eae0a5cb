package dev.vigil.risk.detect.network;

import dev.vigil.risk.detect.BaselineBundle;
import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.DetectionEngine;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.DetectorCatalog;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.KeyScope;
import dev.vigil.risk.reference.ReferenceData;
import dev.vigil.schema.EdgeDestinationKind;
import dev.vigil.schema.IndicatorType;
import dev.vigil.schema.NetworkFlow;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.ServiceEdge;
import dev.vigil.schema.ThreatCategory;
import dev.vigil.schema.ThreatIndicator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builders for network flows of one workload, and an engine to feed them to. */
final class NetworkFixtures {

  static final Instant MONDAY = Instant.parse("2025-03-03T00:00:00Z");
  static final String API = "spiffe://corp/ns/payments/sa/api";
  static final String DB = "spiffe://corp/ns/payments/sa/db";
  static final String CACHE = "spiffe://corp/ns/payments/sa/cache";
  static final String LEDGER = "spiffe://corp/ns/finance/sa/ledger";

  private static int counter;

  private NetworkFixtures() {}

  /** An mTLS flow from the API to an internal workload. */
  static NetworkFlow.Builder flow(Instant at, String destination, String ip, int port) {
    return NetworkFlow.newBuilder()
        .setEventId("flow-" + (++counter))
        .setTimestamp(at)
        .setSourceWorkload(API)
        .setSourceIp("10.0.1.10")
        .setDestinationWorkload(destination)
        .setDestinationIp(ip)
        .setDestinationPort(port)
        .setBytesOut(20_000)
        .setBytesIn(80_000)
        .setMtls(true)
        .setAttributes(Map.of());
  }

  /** A flow to an address on the internet. */
  static NetworkFlow.Builder external(Instant at, String ip, int port) {
    return flow(at, null, ip, port).setMtls(false);
  }

  /** Reference data: the API may call the DB on 5432 and the cache on any port, both with mTLS. */
  static ReferenceData segmentation() {
    ReferenceData reference = new ReferenceData();
    reference.putEdge(ReferenceData.edgeKey(API, DB), edge(API, DB, List.of(5432)));
    reference.putEdge(ReferenceData.edgeKey(API, CACHE), edge(API, CACHE, List.of()));
    return reference;
  }

  static ServiceEdge edge(String from, String to, List<Integer> ports) {
    return ServiceEdge.newBuilder()
        .setSourceWorkload(from)
        .setDestinationWorkload(to)
        .setPorts(ports)
        .setRequireMtls(true)
        .build();
  }

  /** An allowed external edge: a CIDR block or a domain. */
  static ServiceEdge external(
      String from, String to, EdgeDestinationKind kind, List<Integer> ports) {
    return ServiceEdge.newBuilder()
        .setSourceWorkload(from)
        .setDestinationWorkload(to)
        .setDestinationKind(kind)
        .setPorts(ports)
        .setRequireMtls(false)
        .build();
  }

  static void indicator(
      ReferenceData reference, IndicatorType type, String value, ThreatCategory category) {
    ThreatIndicator indicator =
        ThreatIndicator.newBuilder()
            .setIndicatorId("ti-" + value)
            .setType(type)
            .setValue(value)
            .setCategory(category)
            .setConfidence(0.9)
            .setSource("abuse-feed")
            .build();
    reference.putIndicator(ReferenceData.indicatorKey(indicator), indicator);
  }

  /** Feeds flows of one workload through the given detectors. */
  static final class Workload {
    final DetectionEngine<NetworkFlow> engine;
    final BaselineBundle bundle = new BaselineBundle();
    final DetectionContext context;
    final List<RiskFinding> findings = new ArrayList<>();

    Workload(List<? extends Detector<NetworkFlow, ?>> detectors, ReferenceData reference) {
      this.engine = new DetectionEngine<>(detectors, NetworkFlow::getEventId);
      this.context = new DetectionContext(reference, DetectorSettings.defaults());
    }

    Workload(Detector<NetworkFlow, ?> detector) {
      this(List.of(detector), new ReferenceData());
    }

    static Workload allDefaults(ReferenceData reference) {
      DetectorCatalog catalog = DetectorCatalog.empty();
      NetworkDetectors.registerDefaults(catalog, DetectorSettings.defaults());
      return new Workload(catalog.detectors(NetworkFlow.class, KeyScope.SUBJECT), reference);
    }

    List<RiskFinding> feed(NetworkFlow.Builder flow) {
      List<RiskFinding> out = engine.observe(flow.build(), bundle, context);
      findings.addAll(out);
      return out;
    }

    List<RiskFinding> feed(NetworkFlow flow) {
      List<RiskFinding> out = engine.observe(flow, bundle, context);
      findings.addAll(out);
      return out;
    }
  }
}
