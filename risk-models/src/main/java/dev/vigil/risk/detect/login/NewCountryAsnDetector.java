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
 * First successful sign-in from a country (stronger) or an autonomous system (weaker) not in the
 * subject's capped, decayed history, after the learning period. Entries not seen for the retention
 * period are forgotten, so a country visited once a year ago counts as new again.
 */
public final class NewCountryAsnDetector
    implements Detector<LoginEvent, NewCountryAsnDetector.State> {

  /** Detector id. */
  public static final String ID = "login.new-country-asn";

  private final double countryScore;
  private final double asnScore;
  private final int countryCapacity;
  private final int asnCapacity;
  private final long retentionSec;
  private final double countHalfLifeSec;
  private final Duration halfLife;
  private final SignInHistory.Learning learning;

  /**
   * Reads {@code country-score} (45), {@code asn-score} (20), {@code country-capacity} (12), {@code
   * asn-capacity} (16), {@code retention} (180d), {@code baseline-half-life} (90d), {@code
   * min-events} (10), {@code min-history} (3d), {@code half-life} (12h).
   */
  public NewCountryAsnDetector(DetectorSettings settings) {
    this.countryScore = settings.getDouble(ID + ".country-score", 45);
    this.asnScore = settings.getDouble(ID + ".asn-score", 20);
    this.countryCapacity = settings.getInt(ID + ".country-capacity", 12);
    this.asnCapacity = settings.getInt(ID + ".asn-capacity", 16);
    this.retentionSec = settings.getDuration(ID + ".retention", Duration.ofDays(180)).toSeconds();
    this.countHalfLifeSec =
        settings.getDuration(ID + ".baseline-half-life", Duration.ofDays(90)).toSeconds();
    this.halfLife = settings.getDuration(ID + ".half-life", Duration.ofHours(12));
    this.learning = SignInHistory.Learning.from(settings, ID, 10, Duration.ofDays(3));
  }

  /** Countries and ASNs the subject signed in from. */
  public static final class State {
    SignInHistory history = new SignInHistory();
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
    return LoginSignals.success(event);
  }

  @Override
  public List<RiskFinding> observe(LoginEvent event, State state, DetectionContext context) {
    if (!LoginSignals.success(event)) {
      return List.of();
    }
    long at = LoginSignals.millis(event);
    long sec = LoginSignals.seconds(event);
    state.countries.forgetOlderThan(sec, retentionSec);
    state.asns.forgetOlderThan(sec, retentionSec);
    // Corporate-VPN, office, relay and in-flight egress: their country and network describe the
    // egress, not the person, so they are neither news nor learned.
    boolean locationFree = LoginSignals.locationFree(event, context);
    String country = locationFree ? null : LoginSignals.country(event);
    String asn = locationFree ? null : LoginSignals.asn(event);
    List<RiskFinding> out = List.of();
    if (state.history.learned(learning, at)) {
      if (country != null && !state.countries.contains(country)) {
        out =
            List.of(
                base(event, state)
                    .score(countryScore)
                    .confidence(0.7)
                    .summary(
                        "First sign-in from "
                            + LoginSignals.countryName(country)
                            + " ("
                            + LoginSignals.unseenAgainst(
                                "country", state.countries, state.history, at)
                            + ").")
                    .evidence("novel", "country")
                    .evidence("knownCountries", String.join(",", state.countries.values.keySet()))
                    .build());
      } else if (asn != null && !state.asns.contains(asn)) {
        String org = LoginSignals.asOrg(event);
        out =
            List.of(
                base(event, state)
                    .score(asnScore)
                    .confidence(0.5)
                    .summary(
                        "First sign-in from network "
                            + asn
                            + (org == null ? "" : " (" + org + ")")
                            + " in "
                            + LoginSignals.countryName(country)
                            + " ("
                            + LoginSignals.unseenAgainst("network", state.asns, state.history, at)
                            + ").")
                    .evidence("novel", "asn")
                    .evidence("knownAsnCount", state.asns.size())
                    .build());
      }
    }
    if (country != null) {
      state.countries.add(country, sec, countryCapacity, countHalfLifeSec);
    }
    if (asn != null) {
      state.asns.add(asn, sec, asnCapacity, countHalfLifeSec);
    }
    state.history.record(at);
    return out;
  }

  private Findings base(LoginEvent event, State state) {
    return Findings.finding(ID, event.getSubjectId(), event.getSubjectType(), event.getTimestamp())
        .halfLife(halfLife)
        .evidence("country", LoginSignals.country(event))
        .evidence("asn", LoginSignals.asn(event))
        .evidence("asOrg", LoginSignals.asOrg(event))
        .evidence("ip", event.getIp())
        .evidence("learning", false)
        .evidence("observations", state.history.signIns())
        .sourceEvents(event.getEventId())
        .tactic("T1078");
  }
}
