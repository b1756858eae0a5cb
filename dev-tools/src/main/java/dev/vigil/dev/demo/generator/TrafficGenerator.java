package dev.vigil.dev.demo.generator;

import dev.vigil.dev.demo.generator.World.Edge;
import dev.vigil.dev.demo.generator.World.User;
import dev.vigil.schema.IndicatorType;
import dev.vigil.schema.NetworkKind;
import dev.vigil.schema.NetworkRange;
import dev.vigil.schema.ServiceEdge;
import dev.vigil.schema.ThreatCategory;
import dev.vigil.schema.ThreatIndicator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.avro.specific.SpecificRecord;

/**
 * Deterministic synthetic traffic for the demo and tests: a benign organisation plus a labelled
 * attack library, as Avro records ready to send. Pure Java, no Kafka.
 *
 * <h2>World</h2>
 *
 * {@code users} humans in 25 real cities (home ISP, synthetic IP prefix, time zone, working hours
 * 7-19 local), each with a laptop and, for about 45 %, a phone; roles engineer, sales, finance, hr,
 * admin with their usual resources (admins also open restricted consoles they rarely use); working
 * styles from their own random: about 20 % on the corporate VPN (egress alternating between the
 * regional gateway and home), 5 % frequent travellers (plausible flights, hotel networks, in-flight
 * Wi-Fi), iPhone owners on iCloud Private Relay, 15 % sparse SSO users (see {@link
 * Persona#profile()}); the nightly ETL and four scheduled service accounts; {@code workloads}
 * SPIFFE workloads in a frontends → APIs → databases (and batch → databases) graph whose edges are
 * the allowed service edges, each with typical byte volumes.
 *
 * <h2>Time model</h2>
 *
 * Simulated time is split at {@link GeneratorSettings#start()}:
 *
 * <ul>
 *   <li><b>History</b> — {@link #history(Duration)}: events in {@code [start - span, start)},
 *       generated one simulated hour at a time at natural rates (about 2 sessions per user per
 *       working day, 4 flows per edge per hour, a posture report per device every ~4 h, the ETL
 *       burst at 02:00 UTC). Seven days of 300 users and 40 workloads are about 100 k events; a
 *       caller sends them as fast as it can, before the live phase, to warm up baselines.
 *   <li><b>Live</b> — {@link #nextBatchUntil(Instant)} or {@link #events(Duration)}: events from
 *       {@code start} on, at {@link GeneratorSettings#eventsPerSecond()} per simulated second. The
 *       caller maps real time to simulated time (simplest: {@code simulatedNow = start +
 *       realElapsed}) and pulls the events whose timestamp is {@code <= simulatedNow}.
 * </ul>
 *
 * The ten attacks start at {@code start + firstAttackAfter + i * attackSpacing} (by default +10 s,
 * +17 s, ... +73 s) and each lasts under 15 s, so a 90 s demo shows them all. Setup events an
 * attack needs earlier (the victim's own sign-in minutes before, a JIT grant) are ordinary benign
 * events placed in the history. Scripted benign anomalies (a traveller, a new phone, a mistyped
 * password, the nightly batch) are described by {@link #benignLabels()}.
 *
 * <h2>Determinism</h2>
 *
 * Every choice comes from {@link SplittableRandom}s derived from the seed; there is no wall clock.
 * Each phase has its own random, so the history and the live stream do not depend on each other or
 * on how the caller slices time: {@code history} and {@code events} return the same sequence on
 * every call, and {@code nextBatchUntil} returns the same sequence as {@code events} whatever the
 * pull instants. Events of one phase are in non-decreasing timestamp order; ties keep generation
 * order. History sessions that would spill past {@code start} are cut at {@code start}.
 */
public final class TrafficGenerator {

  private static final Duration HISTORY_STEP = Duration.ofHours(1);
  private static final Duration LIVE_STEP = Duration.ofSeconds(1);

  private final GeneratorSettings settings;
  private final World world;
  private final Scenarios scenarios;
  private Timeline live;

  /**
   * Builds the world and plans the scenarios.
   *
   * @param settings generator settings
   */
  public TrafficGenerator(GeneratorSettings settings) {
    this(settings, false);
  }

  private TrafficGenerator(GeneratorSettings settings, boolean populationLibrary) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.world = new World(settings);
    this.scenarios = new Scenarios(world, settings);
    if (populationLibrary) {
      scenarios.planPopulationAttacks();
    }
  }

  /**
   * A generator for population measurements: the same world and traffic, and an attack library of
   * twelve kinds (the demo's ten plus account takeovers of a corporate-VPN user and of an iCloud
   * Private Relay user from a consumer VPN), meant to be spread over a day-long {@link
   * #naturalLive(Duration) live phase} with an attack spacing of hours.
   *
   * @param settings generator settings
   * @return the generator
   */
  public static TrafficGenerator forPopulation(GeneratorSettings settings) {
    return new TrafficGenerator(settings, true);
  }

  /**
   * The settings this generator was built from.
   *
   * @return the settings
   */
  public GeneratorSettings settings() {
    return settings;
  }

  /**
   * The human population.
   *
   * @return one persona per user, in a stable order
   */
  public List<Persona> population() {
    return world.users.stream().map(User::persona).toList();
  }

  /**
   * Reference data to load before any signal: threat-intel indicators (IPs, /24 CIDRs and ASNs of
   * anonymizers, Tor exits, botnets, a C2) and the allowed service edges of the workload graph.
   * Timestamps are 30 days before {@code start}.
   *
   * @return records of the {@code threat-intel} and {@code service-edge} streams
   */
  public List<GeneratedEvent> referenceData() {
    Instant at = settings.start().minus(Duration.ofDays(30));
    Instant validUntil = settings.start().plus(Duration.ofDays(90));
    List<GeneratedEvent> out = new ArrayList<>();
    SplittableRandom rnd = new SplittableRandom(settings.seed() ^ 0x7E1L);
    java.util.function.Consumer<ThreatIndicator> add =
        indicator ->
            out.add(
                new GeneratedEvent(
                    GeneratedEvent.THREAT_INTEL,
                    indicator.getType() + ":" + indicator.getValue(),
                    indicator,
                    at,
                    null));
    add.accept(
        indicator(
            rnd,
            IndicatorType.ASN,
            String.valueOf(Scenarios.ANONYMIZER_ASN),
            ThreatCategory.ANONYMIZER,
            0.9,
            Scenarios.ANONYMIZER_ORG,
            validUntil));
    add.accept(
        indicator(
            rnd,
            IndicatorType.ASN,
            String.valueOf(Scenarios.TOR_ASN),
            ThreatCategory.TOR_EXIT,
            0.95,
            Scenarios.TOR_ORG,
            validUntil));
    add.accept(
        indicator(
            rnd,
            IndicatorType.ASN,
            String.valueOf(Scenarios.BULLETPROOF_ASN),
            ThreatCategory.KNOWN_ATTACKER,
            0.8,
            Scenarios.BULLETPROOF_ORG,
            validUntil));
    add.accept(
        indicator(
            rnd,
            IndicatorType.CIDR,
            Scenarios.ANONYMIZER_CIDR,
            ThreatCategory.ANONYMIZER,
            0.9,
            "Commercial VPN exit range",
            validUntil));
    add.accept(
        indicator(
            rnd,
            IndicatorType.CIDR,
            Scenarios.TOR_CIDR,
            ThreatCategory.TOR_EXIT,
            0.95,
            "Tor exit relays",
            validUntil));
    add.accept(
        indicator(
            rnd,
            IndicatorType.IP,
            Scenarios.C2_IP,
            ThreatCategory.MALWARE_C2,
            0.9,
            "Command-and-control server",
            validUntil));
    add.accept(
        indicator(
            rnd,
            IndicatorType.IP,
            Scenarios.SCANNER_IP,
            ThreatCategory.SCANNER,
            0.7,
            "Internet-wide scanner",
            validUntil));
    add.accept(
        indicator(
            rnd,
            IndicatorType.DOMAIN,
            "update-check.evil.example",
            ThreatCategory.MALWARE_C2,
            0.85,
            "C2 domain",
            validUntil));
    for (String ip : scenarios.botnetIps) {
      add.accept(
          indicator(
              rnd,
              IndicatorType.IP,
              ip,
              ThreatCategory.BOTNET,
              0.7,
              "Residential proxy seen in credential stuffing",
              validUntil));
    }
    // The organisation's known egress ranges, on the networks reference topic as an operator
    // publishes them (key: the CIDR): corporate VPN gateways, iCloud Private Relay, in-flight
    // Wi-Fi, and the consumer VPN the attackers use (named, but never excused).
    for (Egress.Range range : Egress.all()) {
      out.add(
          new GeneratedEvent(
              GeneratedEvent.NETWORK,
              range.cidr(),
              network(range.cidr(), range.kind(), range.name(), at),
              at,
              null));
    }
    out.add(
        new GeneratedEvent(
            GeneratedEvent.NETWORK,
            Scenarios.ANONYMIZER_CIDR,
            network(
                Scenarios.ANONYMIZER_CIDR, NetworkKind.CONSUMER_VPN, Scenarios.ANONYMIZER_ORG, at),
            at,
            null));
    Map<String, ServiceEdge> edges = new LinkedHashMap<>();
    for (Edge e : world.edges) {
      String key = e.source().id() + "|" + e.destination().id();
      ServiceEdge previous = edges.get(key);
      List<Integer> ports = new ArrayList<>(previous == null ? List.of() : previous.getPorts());
      if (!ports.contains(e.port())) {
        ports.add(e.port());
      }
      edges.put(
          key,
          ServiceEdge.newBuilder()
              .setSourceWorkload(e.source().id())
              .setDestinationWorkload(e.destination().id())
              .setPorts(ports)
              .setRequireMtls(true)
              .build());
    }
    edges.forEach(
        (key, edge) ->
            out.add(new GeneratedEvent(GeneratedEvent.SERVICE_EDGE, key, edge, at, null)));
    return out;
  }

  private static NetworkRange network(String cidr, NetworkKind kind, String name, Instant at) {
    return NetworkRange.newBuilder()
        .setCidr(cidr)
        .setKind(kind)
        .setName(name)
        .setSource("vigil-demo-generator")
        .setUpdatedAt(at)
        .build();
  }

  private static ThreatIndicator indicator(
      SplittableRandom rnd,
      IndicatorType type,
      String value,
      ThreatCategory category,
      double confidence,
      String description,
      Instant validUntil) {
    return ThreatIndicator.newBuilder()
        .setIndicatorId(Records.uuid(rnd))
        .setType(type)
        .setValue(value)
        .setCategory(category)
        .setConfidence(confidence)
        .setSource("vigil-demo-feed")
        .setDescription(description)
        .setValidUntil(validUntil)
        .build();
  }

  /**
   * Ground truth of the attack scenarios, in attack order.
   *
   * @return one label per attack
   */
  public List<ScenarioLabel> labels() {
    return List.copyOf(scenarios.attacks);
  }

  /**
   * Ground truth of the scripted benign anomalies, which must not be acted on.
   *
   * @return one label per benign anomaly, each with {@link ScenarioLabel#NO_ACTION}
   */
  public List<ScenarioLabel> benignLabels() {
    return List.copyOf(scenarios.benign);
  }

  /**
   * Compressed past history: events in {@code [start - span, start)}, in timestamp order, generated
   * lazily. Every call returns the same sequence.
   *
   * @param span how far back history starts, e.g. 7 days
   * @return the history events
   */
  public Stream<GeneratedEvent> history(Duration span) {
    Instant from = settings.start().minus(span);
    Timeline timeline = new Timeline(from, settings.start(), HISTORY_STEP, 0x415_7000L, false);
    return timeline.stream(settings.start().minusNanos(1));
  }

  /**
   * A live period at natural rates: events in {@code [start, start + span)}, generated one
   * simulated hour at a time like the history (people at their own pace, service accounts on
   * schedule, trips and VPN use), plus the scripted attacks, in timestamp order. For measurements
   * over whole days, where {@link #events(Duration)} would apply the demo's constant rate. Every
   * call returns the same sequence.
   *
   * @param span how much simulated time to cover, e.g. one day
   * @return the events
   */
  public Stream<GeneratedEvent> naturalLive(Duration span) {
    Instant end = settings.start().plus(span);
    Timeline timeline = new Timeline(settings.start(), end, HISTORY_STEP, 0xDA7_0000L, false);
    return timeline.stream(end.minusNanos(1));
  }

  /**
   * Service accounts of the benign population, signing in on schedules.
   *
   * @return their subject ids (the nightly ETL account included)
   */
  public List<String> serviceAccounts() {
    List<String> out = new ArrayList<>();
    out.add(World.BATCH_ACCOUNT);
    world.serviceAccounts.forEach(sa -> out.add(sa.id()));
    return List.copyOf(out);
  }

  /**
   * Live events with timestamps in {@code [start, start + simulatedSpan]}, in timestamp order,
   * generated lazily. Every call returns the same sequence, equal to what {@link
   * #nextBatchUntil(Instant)} returns.
   *
   * @param simulatedSpan how much simulated time to cover
   * @return the live events
   */
  public Stream<GeneratedEvent> events(Duration simulatedSpan) {
    Timeline timeline = newLive();
    return timeline.stream(settings.start().plus(simulatedSpan));
  }

  /**
   * Pull API for pacing: the live events with timestamps {@code <= simulatedNow} not returned by an
   * earlier call. The first call starts at {@code start}.
   *
   * @param simulatedNow the simulated instant the caller has reached
   * @return the new events, in timestamp order; empty if none
   */
  public synchronized List<GeneratedEvent> nextBatchUntil(Instant simulatedNow) {
    if (live == null) {
      live = newLive();
    }
    return live.drainThrough(simulatedNow);
  }

  private Timeline newLive() {
    return new Timeline(settings.start(), Instant.MAX, LIVE_STEP, 0x11FE_0000L, true);
  }

  private record Entry(GeneratedEvent event, long seq) {}

  /**
   * One phase: generates episodes chunk by chunk (fixed steps, so output does not depend on how the
   * caller slices time) into a priority queue, and releases events once no later chunk can produce
   * an earlier one.
   */
  private final class Timeline {
    private final PriorityQueue<Entry> queue =
        new PriorityQueue<>(
            Comparator.comparing((Entry e) -> e.event().timestamp()).thenComparingLong(Entry::seq));
    private final Instant lower;
    private final Instant upper;
    private final Duration step;
    private final boolean live;
    private final BenignTraffic traffic;
    private Instant cursor;
    private int scriptIndex;
    private long seq;

    Timeline(Instant lower, Instant upper, Duration step, long salt, boolean live) {
      this.lower = lower;
      this.upper = upper;
      this.step = step;
      this.live = live;
      this.cursor = lower;
      this.traffic =
          new BenignTraffic(world, new SplittableRandom(settings.seed() ^ salt), this::offer);
      List<GeneratedEvent> script = scenarios.scripted;
      while (scriptIndex < script.size() && script.get(scriptIndex).timestamp().isBefore(lower)) {
        scriptIndex++;
      }
    }

    private void offer(
        String stream, String key, SpecificRecord value, Instant t, String scenario) {
      if (!t.isBefore(lower) && t.isBefore(upper)) {
        queue.add(new Entry(new GeneratedEvent(stream, key, value, t, scenario), seq++));
      }
    }

    private void generateChunk() {
      Instant to = cursor.plus(step);
      List<GeneratedEvent> script = scenarios.scripted;
      while (scriptIndex < script.size() && script.get(scriptIndex).timestamp().isBefore(to)) {
        GeneratedEvent e = script.get(scriptIndex++);
        if (e.timestamp().isBefore(upper)) {
          queue.add(new Entry(e, seq++));
        }
      }
      if (live) {
        traffic.liveSecond(cursor, settings.eventsPerSecond());
      } else {
        traffic.historyHour(cursor);
      }
      cursor = to;
    }

    /** Events with timestamp {@code <= until}, not yet returned. */
    List<GeneratedEvent> drainThrough(Instant until) {
      while (!cursor.isAfter(until) && cursor.isBefore(upper)) {
        generateChunk();
      }
      List<GeneratedEvent> out = new ArrayList<>();
      while (!queue.isEmpty() && !queue.peek().event().timestamp().isAfter(until)) {
        out.add(queue.poll().event());
      }
      return out;
    }

    Stream<GeneratedEvent> stream(Instant end) {
      Iterator<GeneratedEvent> it =
          new Iterator<>() {
            private final ArrayDeque<GeneratedEvent> buffer = new ArrayDeque<>();
            private Instant reached = lower.minusNanos(1);

            @Override
            public boolean hasNext() {
              while (buffer.isEmpty() && reached.isBefore(end)) {
                reached = reached.plus(step);
                if (reached.isAfter(end)) {
                  reached = end;
                }
                buffer.addAll(drainThrough(reached));
              }
              return !buffer.isEmpty();
            }

            @Override
            public GeneratedEvent next() {
              if (!hasNext()) {
                throw new NoSuchElementException();
              }
              return buffer.poll();
            }
          };
      return StreamSupport.stream(
          Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL),
          false);
    }
  }
}
