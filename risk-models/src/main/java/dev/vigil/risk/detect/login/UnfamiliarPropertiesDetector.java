package dev.vigil.risk.detect.login;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Findings;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.RiskFinding;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Unfamiliar sign-in properties after Freeman et al., NDSS 2016 ("Who Are You? A Statistical
 * Approach to Measuring User Authenticity"); the counterpart of Entra ID Protection's "unfamiliar
 * sign-in properties". A successful sign-in is scored by the likelihood ratio p(features |
 * attacker) / p(features | subject), with the attacker distribution approximated by fixed
 * population priors from configuration (no statistics shared between subjects, so a restart or
 * another instance gives the same findings for the same input) and the subject's by its own
 * decayed, capped frequencies (the baseline). Two hierarchical features are used, network (country,
 * ASN, IP) and client (device type, OS, browser). Within a hierarchy the ratio is taken at the
 * finest level whose value the subject has used, times the inverse of the subject's smoothed rate
 * of new values ({@code (novel + a) / (observations + 2a)}, Witten-Bell style) at the first level
 * whose value is new; coarser levels already explain finer ones, so a new country is not counted
 * again as a new ASN and a new IP. The hierarchies' ratios multiply. Fires after the learning
 * period when the combined ratio reaches the threshold.
 */
public final class UnfamiliarPropertiesDetector
    implements Detector<LoginEvent, UnfamiliarPropertiesDetector.State> {

  /** Detector id. */
  public static final String ID = "login.unfamiliar-properties";

  private static final double MIN_HIERARCHY_RATIO = 0.1;
  private static final double MAX_HIERARCHY_RATIO = 1e4;

  private final double threshold;
  private final double smoothing;
  private final double userHalfLifeSec;
  private final Duration halfLife;
  private final SignInHistory.Learning learning;
  private final DetectorSettings settings;

  /**
   * Reads {@code threshold} (likelihood ratio, 100), {@code smoothing} (1.0), {@code
   * baseline-half-life} (90d), {@code min-events} (10), {@code min-history} (3d), {@code half-life}
   * (12h), and the population priors {@code population-share.<feature>} (the share of all sign-ins
   * a typical value of the feature has; default 1/vocabulary: country 1/250, asn 1/20000, ip 1e-6,
   * deviceType 1/6, os 1/50, browser 1/500) with per-value overrides {@code
   * population-share.<feature>.<value>} (e.g. {@code population-share.country.DE=0.4}).
   */
  public UnfamiliarPropertiesDetector(DetectorSettings settings) {
    this.threshold = settings.getDouble(ID + ".threshold", 100);
    this.smoothing = settings.getDouble(ID + ".smoothing", 1.0);
    this.userHalfLifeSec =
        settings.getDuration(ID + ".baseline-half-life", Duration.ofDays(90)).toSeconds();
    this.halfLife = settings.getDuration(ID + ".half-life", Duration.ofHours(12));
    this.learning = SignInHistory.Learning.from(settings, ID, 10, Duration.ofDays(3));
    this.settings = settings;
  }

  /** The subject's feature frequencies: capped, decayed count maps per hierarchy level. */
  public static final class State {
    SignInHistory history = new SignInHistory();
    DecayedCounts country = new DecayedCounts();
    DecayedCounts asn = new DecayedCounts();
    DecayedCounts ip = new DecayedCounts();
    DecayedCounts deviceType = new DecayedCounts();
    DecayedCounts os = new DecayedCounts();
    DecayedCounts browser = new DecayedCounts();
  }

  /**
   * The population prior of a feature value: a per-value override, else the feature's share, else
   * one over the feature's vocabulary. Fixed by configuration, so identical on every instance.
   */
  double populationShare(String feature, String value, double vocabulary) {
    String base = ID + ".population-share." + feature;
    double share = settings.getDouble(base + "." + value, settings.getDouble(base, 1 / vocabulary));
    return Math.max(1e-9, Math.min(1, share));
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

  /** One level of a hierarchy: its feature name, label, value, subject counts and cap. */
  private record Level(
      String feature, String label, String value, DecayedCounts user, int capacity, double vocab) {}

  /** A hierarchy's ratio, the finest familiar level (or null) and the first new level (or null). */
  private record Ratio(double ratio, Level familiar, Level novel) {}

  @Override
  public boolean reads(LoginEvent event, DetectionContext context) {
    return LoginSignals.success(event);
  }

  @Override
  public List<RiskFinding> observe(LoginEvent event, State state, DetectionContext context) {
    if (!LoginSignals.success(event)) {
      return List.of();
    }
    long sec = LoginSignals.seconds(event);
    // Corporate-VPN, office, relay and in-flight egress describe the egress, not the person: only
    // the client is compared and learned then.
    List<Level> network =
        LoginSignals.locationFree(event, context) ? List.of() : network(event, state);
    List<Level> client = client(event, state);
    List<RiskFinding> out = List.of();
    if (state.history.learned(learning, LoginSignals.millis(event))
        && (!network.isEmpty() || !client.isEmpty())) {
      Ratio n = ratio(network, sec);
      Ratio c = ratio(client, sec);
      double combined = n.ratio() * c.ratio();
      if (combined >= threshold) {
        out = List.of(finding(event, state, n, c, combined));
      }
    }
    for (List<Level> hierarchy : List.of(network, client)) {
      for (Level l : hierarchy) {
        l.user().add(l.value(), sec, l.capacity(), userHalfLifeSec);
      }
    }
    state.history.record(LoginSignals.millis(event));
    return out;
  }

  private static List<Level> network(LoginEvent e, State s) {
    List<Level> levels = new ArrayList<>(3);
    String country = LoginSignals.country(e);
    String asn = LoginSignals.asn(e);
    String ip = LoginSignals.ip(e);
    if (country != null) {
      levels.add(
          new Level(
              "country",
              "country " + LoginSignals.countryName(country),
              country,
              s.country,
              8,
              250));
    }
    if (asn != null) {
      String org = LoginSignals.asOrg(e);
      levels.add(
          new Level(
              "asn",
              "network " + asn + (org == null ? "" : " (" + org + ")"),
              asn,
              s.asn,
              8,
              20_000));
    }
    if (ip != null) {
      levels.add(new Level("ip", "IP address " + ip, ip, s.ip, 12, 1_000_000));
    }
    return levels;
  }

  private static List<Level> client(LoginEvent e, State s) {
    List<Level> levels = new ArrayList<>(3);
    String type = LoginSignals.deviceType(e);
    String os = LoginSignals.os(e);
    String browser = LoginSignals.browser(e);
    String t = type == null ? "?" : type;
    String o = os == null ? "?" : os;
    if (type != null) {
      levels.add(new Level("deviceType", "device type " + type, type, s.deviceType, 4, 6));
    }
    if (os != null) {
      levels.add(new Level("os", "operating system " + os, t + "/" + os, s.os, 6, 50));
    }
    if (browser != null) {
      levels.add(
          new Level(
              "browser", "browser " + browser, t + "/" + o + "/" + browser, s.browser, 8, 500));
    }
    return levels;
  }

  private Ratio ratio(List<Level> levels, long sec) {
    int familiar = -1;
    while (familiar + 1 < levels.size()
        && levels.get(familiar + 1).user().contains(levels.get(familiar + 1).value())) {
      familiar++;
    }
    double ratio = 1;
    Level f = null;
    Level n = null;
    if (familiar >= 0) {
      f = levels.get(familiar);
      DecayedCounts u = f.user();
      double share = u.count(f.value(), sec, userHalfLifeSec) / u.sum(sec, userHalfLifeSec);
      double pUser = (1 - escape(u, sec)) * share;
      double pPopulation = populationShare(f.feature(), f.value(), f.vocab());
      ratio = pPopulation / Math.max(pUser, 1e-9);
    }
    if (familiar + 1 < levels.size()) {
      n = levels.get(familiar + 1);
      ratio /= escape(n.user(), sec);
    }
    return new Ratio(Math.max(MIN_HIERARCHY_RATIO, Math.min(MAX_HIERARCHY_RATIO, ratio)), f, n);
  }

  /** The subject's smoothed rate of producing a value it had not used before, at one level. */
  private double escape(DecayedCounts counts, long sec) {
    return (counts.novel(sec, userHalfLifeSec) + smoothing)
        / (counts.total(sec, userHalfLifeSec) + 2 * smoothing);
  }

  private RiskFinding finding(LoginEvent event, State state, Ratio n, Ratio c, double combined) {
    double excess = Math.log10(combined) - Math.log10(threshold);
    double score = Math.min(85, 35 + 15 * excess);
    long at = LoginSignals.millis(event);
    List<String> novel = new ArrayList<>();
    for (Ratio r : List.of(n, c)) {
      if (r.novel() != null) {
        novel.add("new " + r.novel().label());
      }
    }
    String what = novel.isEmpty() ? "rarely used properties" : String.join(", ", novel);
    return Findings.finding(ID, event.getSubjectId(), event.getSubjectType(), event.getTimestamp())
        .score(score)
        .confidence(Math.min(0.9, 0.4 + state.history.signIns() / 100.0))
        .halfLife(halfLife)
        .summary(
            String.format(
                Locale.ROOT,
                "Sign-in with unfamiliar properties (%s): %,.0f times likelier from the population"
                    + " than from this subject's %s over %s (threshold %,.0f).",
                what,
                combined,
                LoginSignals.plural(state.history.signIns(), "sign-in"),
                LoginSignals.plural(state.history.days(at), "day"),
                threshold))
        .evidence("likelihoodRatio", String.format(Locale.ROOT, "%.1f", combined))
        .evidence("networkRatio", String.format(Locale.ROOT, "%.2f", n.ratio()))
        .evidence("clientRatio", String.format(Locale.ROOT, "%.2f", c.ratio()))
        .evidence("networkFamiliarLevel", n.familiar() == null ? null : n.familiar().feature())
        .evidence("networkNewLevel", n.novel() == null ? null : n.novel().feature())
        .evidence("clientFamiliarLevel", c.familiar() == null ? null : c.familiar().feature())
        .evidence("clientNewLevel", c.novel() == null ? null : c.novel().feature())
        .evidence("ip", event.getIp())
        .evidence("country", LoginSignals.country(event))
        .evidence("asn", LoginSignals.asn(event))
        .evidence("deviceType", LoginSignals.deviceType(event))
        .evidence("os", LoginSignals.os(event))
        .evidence("browser", LoginSignals.browser(event))
        .evidence("baselineSignIns", state.history.signIns())
        .evidence("learning", false)
        .evidence("observations", state.history.signIns())
        .sourceEvents(event.getEventId())
        .tactic("T1078")
        .build();
  }
}
