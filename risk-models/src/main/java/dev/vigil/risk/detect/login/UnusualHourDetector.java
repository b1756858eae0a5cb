package dev.vigil.risk.detect.login;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Findings;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.RiskFinding;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Successful sign-in at an hour of day (UTC) the subject rarely signs in at. The baseline is a
 * decayed 24-bin histogram of successful sign-in hours; an hour's share is smoothed over its
 * neighbours (1/4, 1/2, 1/4; two hours each side while the history has fewer than 30 sign-ins) and
 * by an additive pseudo-count, and compared with the subject's typical share (the expected share of
 * its own sign-in hours). Fires, with a low score, when the ratio is below the threshold after the
 * learning period. Hours are UTC: a subject's habits are learned in UTC, so a traveller's shifted
 * day shows as unusual until the histogram catches up.
 */
public final class UnusualHourDetector implements Detector<LoginEvent, UnusualHourDetector.State> {

  /** Detector id. */
  public static final String ID = "login.unusual-hour";

  private static final int HOURS = 24;

  /** Sign-ins from which a history counts as dense (narrow kernel, no extra prior). */
  private static final int DENSE = 30;

  private final double ratioThreshold;
  private final double smoothing;
  private final double score;
  private final double binHalfLifeSec;
  private final Duration halfLife;
  private final SignInHistory.Learning learning;

  /**
   * Reads {@code ratio-threshold} (0.1), {@code smoothing} (0.1 per hour), {@code score} (25),
   * {@code baseline-half-life} (30d), {@code min-events} (12: people with long SSO sessions sign in
   * a dozen times a week; the uniform pseudo-count acts as the prior, and confidence grows with the
   * observations up to 30), {@code min-history} (7d), {@code half-life} (4h).
   */
  public UnusualHourDetector(DetectorSettings settings) {
    this.ratioThreshold = settings.getDouble(ID + ".ratio-threshold", 0.1);
    this.smoothing = settings.getDouble(ID + ".smoothing", 0.1);
    this.score = settings.getDouble(ID + ".score", 25);
    this.binHalfLifeSec =
        settings.getDuration(ID + ".baseline-half-life", Duration.ofDays(30)).toSeconds();
    this.halfLife = settings.getDuration(ID + ".half-life", Duration.ofHours(4));
    this.learning = SignInHistory.Learning.from(settings, ID, 12, Duration.ofDays(7));
  }

  /** Decayed sign-in counts per UTC hour, all as of {@code at} (epoch seconds). */
  public static final class State {
    SignInHistory history = new SignInHistory();
    float[] hours = new float[HOURS];
    long at;
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
    int hour = (int) Math.floorMod(sec / 3600, (long) HOURS);
    List<RiskFinding> out = List.of();
    if (state.history.learned(learning, at)) {
      double total = 0;
      for (float h : state.hours) {
        total += h;
      }
      double typical = 0;
      for (int h = 0; h < HOURS; h++) {
        typical += state.hours[h] / total * share(state, h, total);
      }
      double share = share(state, hour, total);
      double ratio = share / typical;
      if (ratio < ratioThreshold) {
        out =
            List.of(
                Findings.finding(
                        ID, event.getSubjectId(), event.getSubjectType(), event.getTimestamp())
                    .score(score + 5 * (1 - ratio / ratioThreshold))
                    .confidence(0.3 + 0.2 * Math.min(1, state.history.signIns() / 30.0))
                    .halfLife(halfLife)
                    .summary(
                        String.format(
                            Locale.ROOT,
                            "Signed in at %02d:00 UTC, an hour with %.1f%% of this subject's sign-ins"
                                + " against a typical %.1f%% (%s over %s).",
                            hour,
                            100 * share,
                            100 * typical,
                            LoginSignals.plural(state.history.signIns(), "sign-in"),
                            LoginSignals.plural(state.history.days(at), "day")))
                    .evidence("hourUtc", hour)
                    .evidence("share", String.format(Locale.ROOT, "%.4f", share))
                    .evidence("typicalShare", String.format(Locale.ROOT, "%.4f", typical))
                    .evidence("ratio", String.format(Locale.ROOT, "%.3f", ratio))
                    .evidence("ip", event.getIp())
                    .evidence("learning", false)
                    .evidence("observations", state.history.signIns())
                    .sourceEvents(event.getEventId())
                    .build());
      }
    }
    if (sec >= state.at) {
      double d = DecayedCounts.decay(sec - state.at, binHalfLifeSec);
      for (int h = 0; h < HOURS; h++) {
        state.hours[h] = (float) (state.hours[h] * d);
      }
      state.hours[hour] += 1;
      state.at = sec;
    } else {
      // Out of order: the histogram's clock stays; the old sign-in counts with its decayed weight.
      state.hours[hour] += (float) DecayedCounts.decay(state.at - sec, binHalfLifeSec);
    }
    state.history.record(at);
    return out;
  }

  private double share(State s, int hour, double total) {
    long n = s.history.signIns();
    double kernel;
    if (n < DENSE) {
      // A sparse history is smoothed over two hours each side: a dozen sign-ins at 08:00 and
      // 13:00 say little about 10:00, but enough about 03:00.
      kernel =
          0.1 * s.hours[Math.floorMod(hour - 2, HOURS)]
              + 0.2 * s.hours[Math.floorMod(hour - 1, HOURS)]
              + 0.4 * s.hours[hour]
              + 0.2 * s.hours[(hour + 1) % HOURS]
              + 0.1 * s.hours[(hour + 2) % HOURS];
    } else {
      kernel =
          0.25 * s.hours[Math.floorMod(hour - 1, HOURS)]
              + 0.5 * s.hours[hour]
              + 0.25 * s.hours[(hour + 1) % HOURS];
    }
    // A sparse history also leans on the flat prior: the pseudo-count grows as
    // sqrt(30 / observations) (a squared growth needed about 20 sign-ins before 03:00 stood out).
    double sparse = Math.max(1, (double) DENSE / Math.max(1, n));
    double a = smoothing * Math.sqrt(sparse);
    return (kernel + a) / (total + HOURS * a);
  }
}
