package dev.vigil.dev.demo.generator;

import dev.vigil.schema.AccessEvent;
import dev.vigil.schema.AccessGrant;
import dev.vigil.schema.DevicePosture;
import dev.vigil.schema.ExternalSignal;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.NetworkFlow;
import dev.vigil.schema.ServiceEdge;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;

/**
 * One generated record, ready to be sent by someone else.
 *
 * @param stream logical stream: one of {@link #STREAMS}
 * @param key the record key the topic expects (subject, device, source workload, indicator {@code
 *     type:value} or edge {@code source|destination})
 * @param value the Avro record
 * @param timestamp event time of the record
 * @param scenario id of the attack scenario that produced it, or {@code null} for benign traffic
 */
public record GeneratedEvent(
    String stream, String key, SpecificRecord value, Instant timestamp, String scenario) {

  /** Stream of {@link LoginEvent}. */
  public static final String LOGIN = "login";

  /** Stream of {@link AccessEvent}. */
  public static final String ACCESS = "access";

  /** Stream of {@link DevicePosture}. */
  public static final String DEVICE_POSTURE = "device-posture";

  /** Stream of {@link NetworkFlow}. */
  public static final String NETWORK_FLOW = "network-flow";

  /** Stream of {@link ExternalSignal}. */
  public static final String EXTERNAL = "external";

  /** Stream of {@link AccessGrant}. */
  public static final String GRANT = "grant";

  /** Stream of {@link dev.vigil.schema.ThreatIndicator} (reference data). */
  public static final String THREAT_INTEL = "threat-intel";

  /** Stream of {@link ServiceEdge} (reference data). */
  public static final String SERVICE_EDGE = "service-edge";

  /**
   * Stream of {@link dev.vigil.schema.NetworkRange} (reference data: office, corporate-VPN, relay
   * and in-flight egress ranges), keyed by CIDR.
   */
  public static final String NETWORK = "network";

  /** Every stream name. */
  public static final Set<String> STREAMS =
      Set.of(
          LOGIN,
          ACCESS,
          DEVICE_POSTURE,
          NETWORK_FLOW,
          EXTERNAL,
          GRANT,
          THREAT_INTEL,
          SERVICE_EDGE,
          NETWORK);

  /** Validates the event. */
  public GeneratedEvent {
    if (!STREAMS.contains(stream)) {
      throw new IllegalArgumentException("unknown stream: " + stream);
    }
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(timestamp, "timestamp");
  }

  /**
   * Whether this event belongs to an attack scenario.
   *
   * @return {@code true} when {@link #scenario()} is set
   */
  public boolean isAttack() {
    return scenario != null;
  }

  /**
   * The subjects this event is about: the subject of logins, accesses, grants and external signals;
   * the device and its owner for posture; the source workload (and the destination, when known) for
   * flows.
   *
   * @return subject ids, in a stable order
   */
  public Set<String> subjects() {
    Set<String> out = new LinkedHashSet<>();
    if (value instanceof LoginEvent e) {
      out.add(e.getSubjectId());
    } else if (value instanceof AccessEvent e) {
      out.add(e.getSubjectId());
    } else if (value instanceof AccessGrant e) {
      out.add(e.getSubjectId());
    } else if (value instanceof ExternalSignal e) {
      out.add(e.getSubjectId());
    } else if (value instanceof DevicePosture e) {
      out.add(e.getDeviceId());
      if (e.getOwnerSubjectId() != null) {
        out.add(e.getOwnerSubjectId());
      }
    } else if (value instanceof NetworkFlow e) {
      out.add(e.getSourceWorkload());
    } else if (value instanceof ServiceEdge e) {
      out.add(e.getSourceWorkload());
    }
    return out;
  }
}
