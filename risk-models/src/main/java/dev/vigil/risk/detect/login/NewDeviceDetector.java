package dev.vigil.risk.detect.login;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Findings;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.RiskFinding;
import java.time.Duration;
import java.util.List;

/**
 * Successful sign-in from a device never seen for the subject: its device id or, lacking one, a
 * fingerprint of the parsed user agent (browser, OS, device type). Whether the subject just
 * enrolled a new device is not knowable here, so the score stays moderate; it is raised when the
 * same sign-in also comes from a new country or network.
 */
public final class NewDeviceDetector implements Detector<LoginEvent, NewDeviceDetector.State> {

  /** Detector id. */
  public static final String ID = "login.new-device";

  private final double score;
  private final double newAsnScore;
  private final double newCountryScore;
  private final int deviceCapacity;
  private final long retentionSec;
  private final double countHalfLifeSec;
  private final Duration halfLife;
  private final SignInHistory.Learning learning;

  /**
   * Reads {@code score} (35), {@code new-asn-score} (45), {@code new-country-score} (55), {@code
   * device-capacity} (10), {@code retention} (180d), {@code baseline-half-life} (90d), {@code
   * min-events} (10), {@code min-history} (3d), {@code half-life} (12h).
   */
  public NewDeviceDetector(DetectorSettings settings) {
    this.score = settings.getDouble(ID + ".score", 35);
    this.newAsnScore = settings.getDouble(ID + ".new-asn-score", 45);
    this.newCountryScore = settings.getDouble(ID + ".new-country-score", 55);
    this.deviceCapacity = settings.getInt(ID + ".device-capacity", 10);
    this.retentionSec = settings.getDuration(ID + ".retention", Duration.ofDays(180)).toSeconds();
    this.countHalfLifeSec =
        settings.getDuration(ID + ".baseline-half-life", Duration.ofDays(90)).toSeconds();
    this.halfLife = settings.getDuration(ID + ".half-life", Duration.ofHours(12));
    this.learning = SignInHistory.Learning.from(settings, ID, 10, Duration.ofDays(3));
  }

  /**
   * Devices, and a small memory of countries and networks to tell a device move from a takeover.
   */
  public static final class State {
    SignInHistory history = new SignInHistory();
    DecayedCounts devices = new DecayedCounts();
    DecayedCounts countries = new DecayedCounts();
    DecayedCounts asns = new DecayedCounts();
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Class<State> stateType() {
    return State.class;
  }

  @Override
  public State newState() {
    return new State();
  }

  @Override
  public boolean reads(LoginEvent event, DetectionContext context) {
    return LoginSignals.success(event) && LoginSignals.deviceKey(event) != null;
  }

  @Override
  public List<RiskFinding> observe(LoginEvent event, State state, DetectionContext context) {
    String device = LoginSignals.deviceKey(event);
    if (!LoginSignals.success(event) || device == null) {
      return List.of();
    }
    long at = LoginSignals.millis(event);
    long sec = LoginSignals.seconds(event);
    state.devices.forgetOlderThan(sec, retentionSec);
    state.countries.forgetOlderThan(sec, retentionSec);
    state.asns.forgetOlderThan(sec, retentionSec);
    // Through corporate-VPN, office, relay or in-flight egress the country and network say nothing
    // about the person: a new device there is only a new device.
    boolean locationFree = LoginSignals.locationFree(event, context);
    String country = locationFree ? null : LoginSignals.country(event);
    String asn = locationFree ? null : LoginSignals.asn(event);
    List<RiskFinding> out = List.of();
    if (state.history.learned(learning, at) && !state.devices.contains(device)) {
      boolean newCountry = country != null && !state.countries.contains(country);
      boolean newAsn = asn != null && !state.asns.contains(asn);
      double s = newCountry ? newCountryScore : newAsn ? newAsnScore : score;
      String with =
          newCountry
              ? ", together with a first sign-in from " + LoginSignals.countryName(country)
              : newAsn ? ", together with a first sign-in from network " + asn : "";
      out =
          List.of(
              Findings.finding(
                      ID, event.getSubjectId(), event.getSubjectType(), event.getTimestamp())
                  .score(s)
                  .confidence(newCountry || newAsn ? 0.7 : 0.5)
                  .halfLife(halfLife)
                  .summary(
                      "First sign-in from "
                          + LoginSignals.describeDevice(device)
                          + " ("
                          + LoginSignals.unseenAgainst("device", state.devices, state.history, at)
                          + ")"
                          + with
                          + ".")
                  .evidence("device", device)
                  .evidence("knownDevices", state.devices.size())
                  .evidence("learning", false)
                  .evidence("observations", state.history.signIns())
                  .evidence("newCountry", newCountry)
                  .evidence("newAsn", newAsn)
                  .evidence("country", LoginSignals.country(event))
                  .evidence("asn", LoginSignals.asn(event))
                  .evidence("ip", event.getIp())
                  .sourceEvents(event.getEventId())
                  .tactic("T1078")
                  .build());
    }
    state.devices.add(device, sec, deviceCapacity, countHalfLifeSec);
    if (country != null) {
      state.countries.add(country, sec, 8, countHalfLifeSec);
    }
    if (asn != null) {
      state.asns.add(asn, sec, 8, countHalfLifeSec);
    }
    state.history.record(at);
    return out;
  }
}
