package dev.vigil.risk.detect;

import dev.vigil.schema.RiskFinding;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Runs a set of detectors sharing one key scope over events of one family: loads each detector's
 * baseline from the key's bundle, lets it observe the event, and stores the updated baseline back.
 * Baselines are encoded by {@link StateCodec} (which reads the CBOR of earlier versions too). A
 * duplicate event (same id seen recently for this key) is ignored, and a detector that does not
 * read an event ({@link Detector#reads}) leaves its baseline as it is, not even decoded. A baseline
 * already decoded in the bundle (see {@link BaselineBundle#adoptDecodedStates}) is not decoded
 * again, and a baseline whose encoding did not change is left as it was ({@link
 * BaselineBundle#changed()} tells the caller whether the bundle needs storing at all).
 *
 * @param <E> the event type
 */
public final class DetectionEngine<E> {

  private final List<Detector<E, ?>> detectors;
  private final Function<E, String> eventId;
  private volatile EnabledFlags enabledFlags;

  /**
   * Creates an engine.
   *
   * @param detectors the detectors, all of the same key scope
   * @param eventId how to read an event's id, for de-duplication
   */
  public DetectionEngine(List<? extends Detector<E, ?>> detectors, Function<E, String> eventId) {
    this.detectors = List.copyOf(detectors);
    this.eventId = eventId;
  }

  /** The detectors this engine runs. */
  public List<Detector<E, ?>> detectors() {
    return detectors;
  }

  /**
   * Observes one event.
   *
   * @param event the event
   * @param bundle the key's baselines, updated in place
   * @param context reference data and settings
   * @return the findings of all detectors, in detector order
   */
  public List<RiskFinding> observe(E event, BaselineBundle bundle, DetectionContext context) {
    if (!bundle.markSeen(eventId.apply(event))) {
      return List.of();
    }
    boolean[] enabled = enabled(context.settings());
    List<RiskFinding> findings = new ArrayList<>();
    for (int i = 0; i < detectors.size(); i++) {
      Detector<E, ?> detector = detectors.get(i);
      if (enabled[i] && detector.reads(event, context)) {
        findings.addAll(run(detector, event, bundle, context));
      }
    }
    return findings;
  }

  /** Which detectors the settings enable, worked out once per settings object. */
  private boolean[] enabled(DetectorSettings settings) {
    EnabledFlags flags = enabledFlags;
    if (flags == null || flags.settings != settings) {
      boolean[] on = new boolean[detectors.size()];
      for (int i = 0; i < on.length; i++) {
        on[i] = settings.enabled(detectors.get(i).id());
      }
      flags = new EnabledFlags(settings, on);
      enabledFlags = flags;
    }
    return flags.enabled;
  }

  private record EnabledFlags(DetectorSettings settings, boolean[] enabled) {}

  private static <E, S> List<RiskFinding> run(
      Detector<E, S> detector, E event, BaselineBundle bundle, DetectionContext context) {
    String id = detector.id();
    Class<S> type = detector.stateType();
    S state = type.cast(bundle.decodedState(id));
    if (state == null) {
      byte[] stored = bundle.baselines.get(id);
      state = stored == null ? detector.newState() : StateCodec.decode(stored, type);
    }
    List<RiskFinding> findings = detector.observe(event, state, context);
    StateCodec.Out encoded = StateCodec.encodeToBuffer(state);
    if (encoded == null) {
      bundle.update(id, BaselineCodec.encode(state), state);
    } else {
      bundle.update(id, encoded, state);
    }
    return findings;
  }
}
