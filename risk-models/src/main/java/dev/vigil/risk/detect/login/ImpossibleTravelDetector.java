package dev.vigil.risk.detect.login;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Findings;
import dev.vigil.risk.geo.GeoDistance;
import dev.vigil.schema.Geo;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.LoginOutcome;
import dev.vigil.schema.RiskFinding;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Impossible travel (Entra ID Protection "atypical travel", Okta "impossible travel"): two
 * successful sign-ins whose locations are farther apart than anyone could travel in the time
 * between them. Tiny distances (geolocation noise) and out-of-order events are ignored; sign-ins
 * from ranges whose egress says nothing about the person's place (office or corporate-VPN egress,
 * iCloud Private Relay and other relays, in-flight Wi-Fi; the networks reference topic) are neither
 * compared nor remembered, while consumer VPNs and anonymizers still count.
 */
public final class ImpossibleTravelDetector
    implements Detector<LoginEvent, ImpossibleTravelDetector.State> {

  /** Detector id. */
  public static final String ID = "login.impossible-travel";

  private final double maxSpeedKmh;
  private final double minDistanceKm;
  private final Duration halfLife;

  /** Reads {@code max-speed-kmh} (1000), {@code min-distance-km} (500), {@code half-life} (6h). */
  public ImpossibleTravelDetector(DetectorSettings settings) {
    this.maxSpeedKmh = settings.getDouble(ID + ".max-speed-kmh", 1000);
    this.minDistanceKm = settings.getDouble(ID + ".min-distance-km", 500);
    this.halfLife = settings.getDuration(ID + ".half-life", Duration.ofHours(6));
  }

  /** The last successful, geolocated sign-in. */
  public static final class State {
    String eventId;
    long atMillis;
    double latitude;
    double longitude;
    String place;
    String ip;
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
    Geo geo = event.getGeo();
    return event.getOutcome() == LoginOutcome.SUCCESS
        && geo != null
        && geo.getLatitude() != null
        && geo.getLongitude() != null;
  }

  @Override
  public List<RiskFinding> observe(LoginEvent event, State state, DetectionContext context) {
    Geo geo = event.getGeo();
    if (event.getOutcome() != LoginOutcome.SUCCESS
        || geo == null
        || geo.getLatitude() == null
        || geo.getLongitude() == null) {
      return List.of();
    }
    long at = event.getTimestamp().toEpochMilli();
    if (state.eventId != null && at < state.atMillis) {
      return List.of(); // Out of order: the baseline already holds a newer sign-in.
    }
    // Office and corporate-VPN egress, relays and in-flight Wi-Fi say nothing about where the
    // person is: such a sign-in is neither compared nor kept as the last known place.
    if (context.reference().locationFreeNetwork(event.getIp()).isPresent()) {
      return List.of();
    }
    Optional<RiskFinding> finding = Optional.empty();
    if (state.eventId != null && context.reference().locationFreeNetwork(state.ip).isEmpty()) {
      finding = compare(event, state, geo, at, context);
    }
    state.eventId = event.getEventId();
    state.atMillis = at;
    state.latitude = geo.getLatitude();
    state.longitude = geo.getLongitude();
    state.place = place(geo);
    state.ip = event.getIp();
    return finding.map(List::of).orElse(List.of());
  }

  private Optional<RiskFinding> compare(
      LoginEvent event, State previous, Geo geo, long at, DetectionContext context) {
    double km =
        GeoDistance.km(
            previous.latitude, previous.longitude, geo.getLatitude(), geo.getLongitude());
    if (km < minDistanceKm) {
      return Optional.empty();
    }
    double hours = Math.max((at - previous.atMillis) / 3_600_000.0, 1.0 / 60);
    double speed = km / hours;
    if (speed <= maxSpeedKmh) {
      return Optional.empty();
    }
    // Faster than any airliner by a wider margin means more certainty; 2x the limit is near 95.
    double score = Math.min(95, 70 + 25 * Math.min(1, (speed / maxSpeedKmh - 1)));
    long minutes = Math.round((at - previous.atMillis) / 60_000.0);
    return Optional.of(
        Findings.finding(ID, event.getSubjectId(), event.getSubjectType(), event.getTimestamp())
            .score(score)
            .confidence(
                geo.getAccuracyRadiusKm() != null && geo.getAccuracyRadiusKm() > 200 ? 0.6 : 0.9)
            .halfLife(halfLife)
            .summary(
                String.format(
                    Locale.ROOT,
                    "Signed in from %s %d minutes after a sign-in from %s, %,.0f km away"
                        + " (%,.0f km/h; plausible maximum %,.0f km/h).",
                    place(geo),
                    minutes,
                    previous.place,
                    km,
                    speed,
                    maxSpeedKmh))
            .evidence("previousPlace", previous.place)
            .evidence("previousIp", previous.ip)
            .evidence("previousAt", Instant.ofEpochMilli(previous.atMillis))
            .evidence("place", place(geo))
            .evidence("ip", event.getIp())
            .evidence("asn", geo.getAsn())
            .evidence("distanceKm", Math.round(km))
            .evidence("speedKmh", Math.round(speed))
            .evidence(
                "network",
                context
                    .reference()
                    .network(event.getIp())
                    .map(n -> n.getKind() + " " + n.getName())
                    .orElse(null))
            .sourceEvents(previous.eventId, event.getEventId())
            .tactic("T1078")
            .build());
  }

  private static String place(Geo geo) {
    String city = geo.getCity();
    String country = geo.getCountry();
    if (city != null && country != null) {
      return city + ", " + country;
    }
    return city != null ? city : country != null ? country : "an unknown place";
  }
}
