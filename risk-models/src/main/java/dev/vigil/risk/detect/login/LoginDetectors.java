package dev.vigil.risk.detect.login;

import dev.vigil.risk.detect.DetectorCatalog;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.schema.LoginEvent;

/** The login detector family: one place that registers every login detector with a catalog. */
public final class LoginDetectors {

  private LoginDetectors() {}

  /**
   * Registers every login detector, with parameters from settings: those keyed by subject
   * (unfamiliar properties, impossible travel, new device, new country/ASN, unusual hour, brute
   * force, MFA fatigue, threat-intel IP, Kerberoasting, AS-REP roasting / RC4 downgrade, new-host
   * logon, explicit credentials, privileged logon on a new host) and those keyed by source (the IP
   * address, else the source host: password spray, unknown accounts) and the one keyed by the
   * source's autonomous system (slow spray from rotating addresses).
   *
   * @throws IllegalArgumentException if one of them is already registered
   */
  public static void registerDefaults(DetectorCatalog catalog, DetectorSettings settings) {
    catalog
        .register(LoginEvent.class, new UnfamiliarPropertiesDetector(settings))
        .register(LoginEvent.class, new ImpossibleTravelDetector(settings))
        .register(LoginEvent.class, new NewDeviceDetector(settings))
        .register(LoginEvent.class, new NewCountryAsnDetector(settings))
        .register(LoginEvent.class, new UnusualHourDetector(settings))
        .register(LoginEvent.class, new BruteForceDetector(settings))
        .register(LoginEvent.class, new MfaFatigueDetector(settings))
        .register(LoginEvent.class, new ThreatIntelIpDetector(settings))
        .register(LoginEvent.class, new KerberoastingDetector(settings))
        .register(LoginEvent.class, new AsRepRoastingDetector(settings))
        .register(LoginEvent.class, new NewHostLogonDetector(settings))
        .register(LoginEvent.class, new ExplicitCredentialsDetector(settings))
        .register(LoginEvent.class, new PrivilegedLogonDetector(settings))
        .register(LoginEvent.class, new PasswordSprayDetector(settings))
        .register(LoginEvent.class, new UnknownAccountsDetector(settings))
        .register(LoginEvent.class, new AsnSprayDetector(settings));
  }
}
