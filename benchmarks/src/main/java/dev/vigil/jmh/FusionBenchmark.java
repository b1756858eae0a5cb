package dev.vigil.jmh;

import dev.vigil.app.config.Settings;
import dev.vigil.app.serde.CborSerde;
import dev.vigil.app.serde.SubjectRiskStateSerde;
import dev.vigil.risk.fusion.FusionSettings;
import dev.vigil.risk.fusion.RiskFusion;
import dev.vigil.risk.fusion.SubjectRiskState;
import dev.vigil.schema.RiskFinding;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The scoring stage's work per finding and per decay step, on the {@link SubjectRiskState} of the
 * subject with the most findings in the workload (every built-in detector over the whole workload):
 * the state read from its stored bytes ({@link SubjectRiskStateSerde}), {@link RiskFusion#add} and
 * {@link RiskFusion#recompute}, or a recompute one decay interval later, and the state written
 * back. The state is warmed by all of the subject's findings but the last {@value #LIVE_FINDINGS};
 * each invocation starts from the warm bytes and adds the next of those in turn. Decisions and
 * outputs (package-private in the application) are not included.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FusionBenchmark {

  /** Findings held back from the warm-up and added by the benchmark, in turn. */
  public static final int LIVE_FINDINGS = 4;

  /** How far one decay step moves a subject: the application's default decay interval. */
  public static final Duration DECAY_STEP = Settings.DECAY_INTERVAL.defaultValue();

  private final RiskFusion fusion = new RiskFusion(FusionSettings.defaults());
  private Serializer<SubjectRiskState> serializer;
  private Deserializer<SubjectRiskState> deserializer;
  private String store;
  private List<RiskFinding> live;
  private byte[] warmBytes;
  private SubjectRiskState warmState;
  private Instant warmAt;
  private int next;

  /** Runs the detectors over the workload and warms the busiest subject's risk state. */
  @Setup(Level.Trial)
  public void setUp() {
    SubjectRiskStateSerde serde = new SubjectRiskStateSerde();
    serializer = serde.serializer();
    deserializer = serde.deserializer();
    store = "subject-risk-store";
    Map<String, List<RiskFinding>> bySubject =
        Workload.get().findings().stream()
            .collect(Collectors.groupingBy(RiskFinding::getSubjectId));
    Map.Entry<String, List<RiskFinding>> busiest =
        bySubject.entrySet().stream()
            .max(Comparator.comparingInt(e -> e.getValue().size()))
            .orElseThrow(() -> new IllegalStateException("The workload raised no finding"));
    List<RiskFinding> findings = new ArrayList<>(busiest.getValue());
    findings.sort(Comparator.comparing(RiskFinding::getTimestamp));
    int liveCount = Math.max(1, Math.min(LIVE_FINDINGS, findings.size() / 2));
    List<RiskFinding> warm = findings.subList(0, findings.size() - liveCount);
    live = List.copyOf(findings.subList(findings.size() - liveCount, findings.size()));

    warmState = new SubjectRiskState();
    warmState.subjectId = busiest.getKey();
    warmAt = Instant.EPOCH;
    for (RiskFinding finding : warm) {
      fusion.add(warmState, finding);
      warmAt = finding.getTimestamp();
      fusion.recompute(warmState, warmAt);
    }
    warmBytes = serializer.serialize(store, warmState);
    int cborBytes =
        new CborSerde<>(SubjectRiskState.class).serializer().serialize(store, warmState).length;
    System.out.printf(
        "%nsubject %s: %d findings (%d warm, %d added in turn), %d active, score %.1f, state %d"
            + " bytes (%d as CBOR)%n",
        busiest.getKey(),
        findings.size(),
        warm.size(),
        live.size(),
        warmState.findings.size(),
        warmState.score,
        warmBytes.length,
        cborBytes);
  }

  /** Read state, add a finding, recompute at its time, write state: one finding scored. */
  @Benchmark
  public void addFinding(Blackhole bh) {
    RiskFinding finding = live.get(next);
    next = next + 1 == live.size() ? 0 : next + 1;
    SubjectRiskState state = deserializer.deserialize(store, warmBytes);
    fusion.add(state, finding);
    bh.consume(fusion.recompute(state, finding.getTimestamp()));
    bh.consume(serializer.serialize(store, state));
  }

  /** Read state, recompute one decay step later, write state: one subject decayed. */
  @Benchmark
  public void decay(Blackhole bh) {
    SubjectRiskState state = deserializer.deserialize(store, warmBytes);
    bh.consume(fusion.recompute(state, warmAt.plus(DECAY_STEP)));
    bh.consume(serializer.serialize(store, state));
  }

  /** Recompute alone, on the warm state in memory at its own time (no store codec). */
  @Benchmark
  public Object recompute() {
    return fusion.recompute(warmState, warmAt);
  }
}
