package dev.vigil.risk.signal;

import dev.vigil.risk.detect.DetectorCatalog;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Hosts;
import dev.vigil.risk.detect.KeyScope;
import dev.vigil.risk.detect.access.AccessDetectors;
import dev.vigil.risk.detect.access.AccessSignal;
import dev.vigil.risk.detect.device.DeviceDetectors;
import dev.vigil.risk.detect.device.DeviceSignal;
import dev.vigil.risk.detect.external.ExternalDetectors;
import dev.vigil.risk.detect.login.LoginDetectors;
import dev.vigil.risk.detect.network.NetworkDetectors;
import dev.vigil.risk.validate.SignalValidator;
import dev.vigil.schema.AccessEvent;
import dev.vigil.schema.AccessGrant;
import dev.vigil.schema.DevicePosture;
import dev.vigil.schema.ExternalSignal;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.NetworkFlow;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every signal family and detector group Vigil runs: the one place a new kind of signal is
 * declared. To add one, declare its {@link SignalFamily}, a {@link DetectorGroup} reading it, add
 * both to {@link #ALL} / {@link #GROUPS}, and register its detectors in {@link #catalog}; the topic
 * registry, topic creation, the topology, the demo and the benchmark follow.
 */
public final class SignalFamilies {

  /** Sign-in attempts at identity providers and domain controllers, keyed by subject. */
  public static final SignalFamily<LoginEvent> LOGIN =
      new SignalFamily<>(
          "login",
          "signals.login",
          LoginEvent.class,
          "subject",
          LoginEvent::getSubjectId,
          LoginEvent::getEventId,
          LoginEvent::getTimestamp,
          SignalValidator::check);

  /** Access decisions at enforcement points, keyed by subject. */
  public static final SignalFamily<AccessEvent> ACCESS =
      new SignalFamily<>(
          "access",
          "signals.access",
          AccessEvent.class,
          "subject",
          AccessEvent::getSubjectId,
          AccessEvent::getEventId,
          AccessEvent::getTimestamp,
          SignalValidator::check);

  /** Just-in-time access grants, keyed by subject. */
  public static final SignalFamily<AccessGrant> GRANT =
      new SignalFamily<>(
          "grant",
          "access.grants",
          AccessGrant.class,
          "subject",
          AccessGrant::getSubjectId,
          AccessGrant::getEventId,
          AccessGrant::getGrantedAt,
          SignalValidator::check);

  /** Device posture reports, keyed by device. */
  public static final SignalFamily<DevicePosture> DEVICE_POSTURE =
      new SignalFamily<>(
          "device-posture",
          "signals.device-posture",
          DevicePosture.class,
          "device",
          DevicePosture::getDeviceId,
          DevicePosture::getEventId,
          DevicePosture::getTimestamp,
          SignalValidator::check);

  /** Workload network flows, keyed by source workload. */
  public static final SignalFamily<NetworkFlow> NETWORK_FLOW =
      new SignalFamily<>(
          "network-flow",
          "signals.network-flow",
          NetworkFlow.class,
          "source workload",
          NetworkFlow::getSourceWorkload,
          NetworkFlow::getEventId,
          NetworkFlow::getTimestamp,
          SignalValidator::check);

  /** Risk signals from other products (EDR, DLP, IdP risk, CAEP), keyed by subject. */
  public static final SignalFamily<ExternalSignal> EXTERNAL =
      new SignalFamily<>(
          "external",
          "signals.external",
          ExternalSignal.class,
          "subject",
          ExternalSignal::getSubjectId,
          ExternalSignal::getEventId,
          ExternalSignal::getTimestamp,
          SignalValidator::check);

  /** Every family, in topology order. */
  public static final List<SignalFamily<?>> ALL =
      List.of(LOGIN, ACCESS, GRANT, DEVICE_POSTURE, NETWORK_FLOW, EXTERNAL);

  /** Login detectors keyed by subject. */
  public static final DetectorGroup<LoginEvent> LOGIN_BY_SUBJECT =
      new DetectorGroup<>(
          "login",
          LoginEvent.class,
          KeyScope.SUBJECT,
          LoginEvent::getEventId,
          List.of(DetectorGroup.same(LOGIN)),
          null);

  /**
   * Login detectors keyed by where attempts come from (one address or host against many subjects):
   * the IP address, else the source host.
   */
  public static final DetectorGroup<LoginEvent> LOGIN_BY_SOURCE_IP =
      new DetectorGroup<>(
          "login",
          LoginEvent.class,
          KeyScope.SOURCE_IP,
          LoginEvent::getEventId,
          List.of(DetectorGroup.rekeyed(LOGIN, Optional::of, Hosts::source)),
          null);

  /**
   * Login detectors keyed by the autonomous system attempts come from (slow sprays rotating
   * addresses within one hosting network).
   */
  public static final DetectorGroup<LoginEvent> LOGIN_BY_SOURCE_ASN =
      new DetectorGroup<>(
          "login",
          LoginEvent.class,
          KeyScope.SOURCE_ASN,
          LoginEvent::getEventId,
          List.of(DetectorGroup.rekeyed(LOGIN, Optional::of, Hosts::asn)),
          null);

  /** Access detectors: accesses, with the subject's grants and sign-ins (sessions, devices). */
  public static final DetectorGroup<AccessSignal> ACCESS_BY_SUBJECT =
      new DetectorGroup<>(
          "access",
          AccessSignal.class,
          KeyScope.SUBJECT,
          AccessSignal::eventId,
          List.of(
              DetectorGroup.adapted(ACCESS, a -> Optional.of(AccessSignal.ofAccess(a))),
              DetectorGroup.adapted(GRANT, g -> Optional.of(AccessSignal.ofGrant(g))),
              DetectorGroup.adapted(LOGIN, l -> Optional.of(AccessSignal.ofLogin(l)))),
          null);

  /**
   * How often an access tells the device detectors that its subject still uses its device. Accesses
   * are most of the traffic and come in bursts, while the device detectors only ask who used a
   * device within hours or days of a posture report (their in-use windows, 24h and 3d by default):
   * one access per subject and device per interval is enough, and the rest need not cross the
   * device repartition topic. Sign-ins are always sent.
   */
  public static final Duration DEVICE_USAGE_SAMPLING = Duration.ofMinutes(15);

  /**
   * Device detectors: posture keyed by device, with who uses each device (sign-ins and accesses
   * re-keyed by device) so posture findings fan out to the device's users; a wall-clock tick
   * notices stale posture.
   */
  public static final DetectorGroup<DeviceSignal> DEVICE_BY_DEVICE =
      new DetectorGroup<>(
          "device",
          DeviceSignal.class,
          KeyScope.DEVICE,
          DeviceSignal::eventId,
          List.of(
              DetectorGroup.adapted(DEVICE_POSTURE, p -> Optional.of(DeviceSignal.ofPosture(p))),
              DetectorGroup.rekeyed(LOGIN, DeviceSignal::fromLogin, LoginEvent::getDeviceId),
              DetectorGroup.rekeyed(ACCESS, DeviceSignal::fromAccess, AccessEvent::getDeviceId)
                  .sampled(
                      AccessEvent::getSubjectId, AccessEvent::getTimestamp, DEVICE_USAGE_SAMPLING)),
          DeviceSignal::ofCheck);

  /** Network detectors keyed by source workload. */
  public static final DetectorGroup<NetworkFlow> NETWORK_BY_WORKLOAD =
      new DetectorGroup<>(
          "network",
          NetworkFlow.class,
          KeyScope.SUBJECT,
          NetworkFlow::getEventId,
          List.of(DetectorGroup.same(NETWORK_FLOW)),
          null);

  /** The external-signal detector keyed by subject. */
  public static final DetectorGroup<ExternalSignal> EXTERNAL_BY_SUBJECT =
      new DetectorGroup<>(
          "external",
          ExternalSignal.class,
          KeyScope.SUBJECT,
          ExternalSignal::getEventId,
          List.of(DetectorGroup.same(EXTERNAL)),
          null);

  /** Every detector group, in topology order. */
  public static final List<DetectorGroup<?>> GROUPS =
      List.of(
          LOGIN_BY_SUBJECT,
          LOGIN_BY_SOURCE_IP,
          LOGIN_BY_SOURCE_ASN,
          ACCESS_BY_SUBJECT,
          DEVICE_BY_DEVICE,
          NETWORK_BY_WORKLOAD,
          EXTERNAL_BY_SUBJECT);

  private SignalFamilies() {}

  /** The built-in detectors of every family, with parameters from settings. */
  public static DetectorCatalog catalog(DetectorSettings settings) {
    DetectorCatalog catalog = DetectorCatalog.empty();
    LoginDetectors.registerDefaults(catalog, settings);
    AccessDetectors.registerDefaults(catalog, settings);
    DeviceDetectors.registerDefaults(catalog, settings);
    NetworkDetectors.registerDefaults(catalog, settings);
    ExternalDetectors.registerDefaults(catalog, settings);
    return catalog;
  }
}
