package dev.vigil.dev.demo.generator;

import dev.vigil.dev.demo.generator.Catalog.City;
import dev.vigil.dev.demo.generator.Catalog.Isp;
import dev.vigil.dev.demo.generator.World.Device;
import dev.vigil.dev.demo.generator.World.Workload;
import dev.vigil.schema.AccessDecision;
import dev.vigil.schema.AccessEvent;
import dev.vigil.schema.AccessGrant;
import dev.vigil.schema.AuthMethod;
import dev.vigil.schema.DevicePosture;
import dev.vigil.schema.ExternalSignal;
import dev.vigil.schema.Geo;
import dev.vigil.schema.GrantStatus;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.LoginOutcome;
import dev.vigil.schema.NetworkFlow;
import dev.vigil.schema.Sensitivity;
import dev.vigil.schema.Severity;
import dev.vigil.schema.SubjectType;
import dev.vigil.schema.UserAgent;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;

/** Builders of the Avro records, with ids drawn from the caller's random. */
final class Records {

  private Records() {}

  /** Receives generated records. */
  interface Sink {
    void emit(String stream, String key, SpecificRecord value, Instant timestamp, String scenario);
  }

  static String uuid(SplittableRandom rnd) {
    return new UUID(rnd.nextLong(), rnd.nextLong()).toString();
  }

  /** Standard normal deviate (Box-Muller), from the given random only. */
  static double gaussian(SplittableRandom rnd) {
    double u1 = 1.0 - rnd.nextDouble();
    double u2 = rnd.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Poisson deviate (Knuth), for small means. */
  static int poisson(double mean, SplittableRandom rnd) {
    double limit = Math.exp(-mean);
    double p = 1.0;
    int k = 0;
    do {
      k++;
      p *= rnd.nextDouble();
    } while (p > limit);
    return k - 1;
  }

  static String userAgentString(String platform, String browser, String version) {
    return switch (platform) {
      case "windows" ->
          "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/"
              + version
              + " Safari/537.36"
              + (browser.equals("Edge") ? " Edg/" + version : "");
      case "macos" ->
          browser.equals("Safari")
              ? "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like"
                  + " Gecko) Version/"
                  + version
                  + " Safari/605.1.15"
              : "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like"
                  + " Gecko) Chrome/"
                  + version
                  + " Safari/537.36";
      case "linux" ->
          browser.equals("Firefox")
              ? "Mozilla/5.0 (X11; Linux x86_64; rv:"
                  + version
                  + ") Gecko/20100101 Firefox/"
                  + version
              : "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/"
                  + version
                  + " Safari/537.36";
      case "ios" ->
          "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like"
              + " Gecko) Version/"
              + version
              + " Mobile/15E148 Safari/604.1";
      case "android" ->
          "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/"
              + version
              + " Mobile Safari/537.36";
      default -> browser + "/" + version;
    };
  }

  static UserAgent userAgent(Device d) {
    return UserAgent.newBuilder()
        .setRaw(d.userAgent)
        .setBrowser(d.browser)
        .setBrowserVersion(d.browserVersion)
        .setOs(d.osName)
        .setOsVersion(d.osVersion)
        .setDeviceType(d.deviceType)
        .build();
  }

  static UserAgent scriptUserAgent() {
    return UserAgent.newBuilder()
        .setRaw("python-requests/2.32.3")
        .setBrowser("python-requests")
        .setBrowserVersion("2.32.3")
        .setOs("Other")
        .setDeviceType("bot")
        .build();
  }

  static Geo geo(City city, Isp isp) {
    return geo(city, isp.asn(), isp.name());
  }

  static Geo geo(City city, long asn, String asOrg) {
    return Geo.newBuilder()
        .setCountry(city.country())
        .setCity(city.name())
        .setLatitude(city.lat())
        .setLongitude(city.lon())
        .setAccuracyRadiusKm(20)
        .setAsn(asn)
        .setAsOrg(asOrg)
        .build();
  }

  /** The parts of a sign-in that vary between attempts. */
  record Attempt(
      String subjectId,
      SubjectType subjectType,
      String application,
      String deviceId,
      String ip,
      Geo geo,
      UserAgent userAgent) {}

  static LoginEvent login(
      SplittableRandom rnd,
      Instant t,
      Attempt a,
      AuthMethod method,
      LoginOutcome outcome,
      String failureReason,
      String sessionId,
      Instant sessionExpiresAt) {
    Map<String, String> attributes = new HashMap<>();
    attributes.put("idp", "okta");
    return LoginEvent.newBuilder()
        .setEventId(uuid(rnd))
        .setTimestamp(t)
        .setSubjectId(a.subjectId())
        .setSubjectType(a.subjectType())
        .setTenant(World.DOMAIN)
        .setApplication(a.application())
        .setSessionId(sessionId)
        .setSessionExpiresAt(sessionExpiresAt)
        .setDeviceId(a.deviceId())
        .setIp(a.ip())
        .setGeo(a.geo())
        .setUserAgent(a.userAgent())
        .setAuthMethod(method)
        .setOutcome(outcome)
        .setFailureReason(failureReason)
        .setAttributes(attributes)
        .build();
  }

  /** What an access touched. */
  record Target(String resource, String action, Sensitivity sensitivity, boolean dataset) {
    static Target of(Catalog.Resource r, String action) {
      return new Target(r.id(), action, r.sensitivity(), r.dataset());
    }
  }

  static AccessEvent access(
      SplittableRandom rnd,
      Instant t,
      String subjectId,
      SubjectType type,
      String sessionId,
      String deviceId,
      String ip,
      Target target,
      AccessDecision decision,
      String grantId,
      long bytes,
      Long recordCount) {
    return AccessEvent.newBuilder()
        .setEventId(uuid(rnd))
        .setTimestamp(t)
        .setSubjectId(subjectId)
        .setSubjectType(type)
        .setSessionId(sessionId)
        .setDeviceId(deviceId)
        .setIp(ip)
        .setResource(target.resource())
        .setAction(target.action())
        .setSensitivity(target.sensitivity())
        .setDecision(decision)
        .setGrantId(grantId)
        .setBytes(bytes)
        .setRecordCount(recordCount)
        .setAttributes(new HashMap<>())
        .build();
  }

  static DevicePosture posture(
      SplittableRandom rnd,
      Instant t,
      Device d,
      boolean diskEncrypted,
      boolean edrRunning,
      boolean firewall,
      int patchAgeDays) {
    Map<String, String> attributes = new HashMap<>();
    attributes.put("edrState", edrRunning ? "running" : "stopped");
    return DevicePosture.newBuilder()
        .setEventId(uuid(rnd))
        .setTimestamp(t)
        .setDeviceId(d.id)
        .setOwnerSubjectId(d.ownerId)
        .setPlatform(d.platform)
        .setOsVersion(d.osVersion)
        .setManaged(true)
        .setDiskEncrypted(diskEncrypted)
        .setEdrRunning(edrRunning)
        .setFirewallEnabled(firewall)
        .setScreenLockEnabled(true)
        .setJailbroken(false)
        .setOsPatchAgeDays(patchAgeDays)
        .setSource(d.mdmSource)
        .setAttributes(attributes)
        .build();
  }

  static NetworkFlow flow(
      SplittableRandom rnd,
      Instant t,
      Workload source,
      Workload destination,
      String destinationIp,
      int port,
      long bytesOut,
      long bytesIn,
      boolean mtls,
      Geo destinationGeo) {
    return NetworkFlow.newBuilder()
        .setEventId(uuid(rnd))
        .setTimestamp(t)
        .setSourceWorkload(source.id())
        .setSourceIp(source.ip())
        .setDestinationWorkload(destination == null ? null : destination.id())
        .setDestinationIp(destinationIp)
        .setDestinationPort(port)
        .setProtocol("tcp")
        .setBytesOut(bytesOut)
        .setBytesIn(bytesIn)
        .setDurationMs(20L + Math.round((bytesOut + bytesIn) / 50_000.0) + rnd.nextInt(200))
        .setMtls(mtls)
        .setPeerIdentity(mtls && destination != null ? destination.id() : null)
        .setDestinationGeo(destinationGeo)
        .setAttributes(new HashMap<>())
        .build();
  }

  static AccessGrant grant(
      SplittableRandom rnd,
      String grantId,
      String subjectId,
      String resource,
      String privilege,
      Instant grantedAt,
      Instant expiresAt,
      String grantedBy,
      String justification) {
    return AccessGrant.newBuilder()
        .setGrantId(grantId)
        .setEventId(uuid(rnd))
        .setSubjectId(subjectId)
        .setSubjectType(SubjectType.HUMAN)
        .setResource(resource)
        .setPrivilege(privilege)
        .setGrantedAt(grantedAt)
        .setExpiresAt(expiresAt)
        .setGrantedBy(grantedBy)
        .setJustification(justification)
        .setStatus(GrantStatus.ACTIVE)
        .build();
  }

  static ExternalSignal external(
      SplittableRandom rnd,
      Instant t,
      String source,
      String signalType,
      String subjectId,
      Severity severity,
      String summary) {
    return ExternalSignal.newBuilder()
        .setEventId(uuid(rnd))
        .setTimestamp(t)
        .setSource(source)
        .setSignalType(signalType)
        .setSubjectId(subjectId)
        .setSubjectType(SubjectType.HUMAN)
        .setSeverity(severity)
        .setSummary(summary)
        .setAttributes(new HashMap<>())
        .build();
  }
}
