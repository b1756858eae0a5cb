package dev.vigil.dev.bench;

import dev.vigil.dev.demo.GeneratedEventSender;
import dev.vigil.dev.demo.generator.GeneratorSettings;
import dev.vigil.dev.demo.generator.TrafficGenerator;
import dev.vigil.schema.AuthMethod;
import dev.vigil.schema.Geo;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.LoginOutcome;
import dev.vigil.schema.SubjectType;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The latency run: a steady benign load from the traffic generator at a fixed offered rate, with
 * marked probes injected at a known rate; each probe's latency is the time from just before its
 * signal is handed to the producer to the moment a {@code read_committed} consumer of the output
 * topic receives the first record keyed by the probe's subject. Both instants are read from the
 * same JVM's monotonic clock, so no clock skew is involved; the figure includes the producer's
 * send, the application's processing and transaction commit, and the consumer's fetch, as an
 * enforcement point would see it.
 *
 * <p>For Vigil a probe is an impossible-travel pair (a login from Berlin, then one from Sydney half
 * an hour later); it is timed from the second login to its enforcement command. For the
 * pass-through a probe is a single login, timed to its copy in the sink.
 *
 * <p>Where the time goes ({@code breakdown}), each from the same send instant: the producer's
 * acknowledgement (the signal is appended), the probe reaching processing (its timestamp extracted
 * by {@link ProcessedCounter}, i.e. fetched and at the head of its partition queue), its output
 * appended (seen by a {@code read_uncommitted} consumer, before the transaction commits) and
 * committed (the latency itself).
 */
final class LatencyRun {

  /** What the run needs: where to send, where to listen, and how hard. */
  record Plan(
      Map<String, Object> clientProperties,
      Topics topics,
      String outputTopic,
      boolean pairs,
      String subjectPrefix,
      double offeredEventsPerSecond,
      int probes,
      double probesPerSecond,
      int users,
      long seed,
      Duration warmUp) {}

  private final Plan plan;

  LatencyRun(Plan plan) {
    this.plan = plan;
  }

  Map<String, Object> run() throws Exception {
    Map<String, Long> sentNanos = new ConcurrentHashMap<>();
    Map<String, Long> receivedNanos = new ConcurrentHashMap<>();
    Map<String, Long> appendedNanos = new ConcurrentHashMap<>();
    Map<String, Long> ackedNanos = new ConcurrentHashMap<>();
    Map<String, Long> reachedNanos = ProcessedCounter.noteReached(plan.subjectPrefix());
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong loadSent = new AtomicLong();
    Topic<String, LoginEvent> login = plan.topics().login();
    try (KafkaConsumer<byte[], byte[]> consumer = tail(plan.outputTopic(), "read_committed");
        KafkaConsumer<byte[], byte[]> uncommitted = tail(plan.outputTopic(), "read_uncommitted");
        KafkaProducer<byte[], byte[]> loadProducer = producer(5);
        KafkaProducer<byte[], byte[]> probeProducer = producer(0)) {
      Thread listener = listener(consumer, receivedNanos, stop, "vigil-bench-latency-listener");
      Thread appendListener =
          listener(uncommitted, appendedNanos, stop, "vigil-bench-latency-append-listener");
      double benignRate =
          Math.max(1, plan.offeredEventsPerSecond() - plan.probesPerSecond() * eventsPerProbe());
      Thread loader =
          new Thread(() -> load(loadProducer, benignRate, stop, loadSent), "bench-load");
      probeProducer.partitionsFor(login.name()); // metadata fetched before the first timed send
      listener.start();
      appendListener.start();
      loader.start();
      // The load runs alone first, so the probes see the steady state, not the first transactions.
      Thread.sleep(plan.warmUp().toMillis());
      long begin = System.nanoTime();
      long probeGap = (long) (1e9 / plan.probesPerSecond());
      for (int i = 0; i < plan.probes(); i++) {
        long due = begin + i * probeGap;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        String subject = plan.subjectPrefix() + i + "@bench.example";
        Instant t = Instant.now().minus(1, ChronoUnit.HOURS);
        if (plan.pairs()) {
          probeProducer.send(record(login, probe("lat-a-" + i, subject, t, false)));
        }
        ProducerRecord<byte[], byte[]> timed =
            record(login, probe("lat-b-" + i, subject, t.plus(30, ChronoUnit.MINUTES), true));
        sentNanos.put(subject, System.nanoTime());
        probeProducer.send(timed, (metadata, e) -> ackedNanos.put(subject, System.nanoTime()));
      }
      long probingNanos = System.nanoTime() - begin;
      // The last probes still need to come out; the load keeps running meanwhile, as in steady use.
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (receivedNanos.size() < plan.probes() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      long loadNanos = System.nanoTime() - begin + plan.warmUp().toNanos();
      stop.set(true);
      loader.join();
      listener.join();
      appendListener.join();
      List<Long> micros = new ArrayList<>();
      int early = 0;
      for (var e : sentNanos.entrySet()) {
        Long got = receivedNanos.get(e.getKey());
        if (got != null) {
          if (got >= e.getValue()) {
            micros.add((got - e.getValue()) / 1_000);
          } else {
            early++;
          }
        }
      }
      Map<String, Object> m = new LinkedHashMap<>(percentiles(micros, plan.probes()));
      m.put("samples", micros.size());
      m.put("missing", plan.probes() - micros.size() - early);
      if (early > 0) {
        m.put("outputBeforeProbe", early);
      }
      m.put(
          "offeredEventsPerSecond",
          Math.round(
              (loadSent.get() * 1e9 / loadNanos)
                  + plan.probes() * eventsPerProbe() * 1e9 / probingNanos));
      m.put("probesPerSecond", plan.probesPerSecond());
      m.put("seconds", Benchmark.round(loadNanos / 1e9));
      Map<String, Object> breakdown = new LinkedHashMap<>();
      breakdown.put("acked", since(sentNanos, ackedNanos));
      breakdown.put("reachedProcessing", since(sentNanos, reachedNanos));
      breakdown.put("outputAppended", since(sentNanos, appendedNanos));
      breakdown.put("outputCommitted", since(sentNanos, receivedNanos));
      m.put("breakdown", breakdown);
      return m;
    }
  }

  /**
   * Records, for every output record keyed by a probe's subject, when the consumer first received
   * one.
   */
  private Thread listener(
      KafkaConsumer<byte[], byte[]> consumer,
      Map<String, Long> receivedNanos,
      AtomicBoolean stop,
      String name) {
    return new Thread(
        () -> {
          while (!stop.get()) {
            for (var r : consumer.poll(Duration.ofMillis(2))) {
              long now = System.nanoTime();
              if (r.key() != null) {
                String key = new String(r.key(), StandardCharsets.UTF_8);
                if (key.startsWith(plan.subjectPrefix())) {
                  receivedNanos.putIfAbsent(key, now);
                }
              }
            }
          }
        },
        name);
  }

  /** p50 and p99 (ms) from each probe's send to a later instant, over the probes that have one. */
  private static Map<String, Object> since(Map<String, Long> sent, Map<String, Long> later) {
    List<Long> micros = new ArrayList<>();
    for (var e : sent.entrySet()) {
      Long t = later.get(e.getKey());
      if (t != null) {
        micros.add((t - e.getValue()) / 1_000);
      }
    }
    Map<String, Object> all = percentiles(micros, micros.size());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("p50", all.get("p50"));
    m.put("p99", all.get("p99"));
    return m;
  }

  private int eventsPerProbe() {
    return plan.pairs() ? 2 : 1;
  }

  /** Benign live traffic paced against the wall clock at about {@code rate} events/s. */
  private void load(
      KafkaProducer<byte[], byte[]> producer, double rate, AtomicBoolean stop, AtomicLong sent) {
    Instant start = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    TrafficGenerator generator =
        new TrafficGenerator(
            new GeneratorSettings(
                plan.seed(),
                plan.users(),
                GeneratorSettings.DEFAULT_WORKLOADS,
                start,
                rate,
                Duration.ofSeconds(10),
                Duration.ofSeconds(7)));
    GeneratedEventSender sender = new GeneratedEventSender(producer, plan.topics());
    long begin = System.nanoTime();
    while (!stop.get()) {
      Instant simulatedNow = start.plusNanos(System.nanoTime() - begin);
      sent.addAndGet(sender.send(generator.nextBatchUntil(simulatedNow).stream()));
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Nearest-rank percentiles over all probes, in milliseconds with microsecond resolution. A probe
   * without output counts as slower than every answered one, so a percentile that falls on one is
   * reported as null (unknown, beyond the wait) rather than computed from the answered probes only.
   */
  static Map<String, Object> percentiles(List<Long> micros, int probes) {
    Map<String, Object> m = new LinkedHashMap<>();
    List<Long> sorted = micros.stream().sorted().toList();
    int total = Math.max(probes, sorted.size());
    m.put("p50", rank(sorted, total, 0.50));
    m.put("p95", rank(sorted, total, 0.95));
    m.put("p99", rank(sorted, total, 0.99));
    m.put("p999", rank(sorted, total, 0.999));
    m.put("max", rank(sorted, total, 1.0));
    return m;
  }

  private static Double rank(List<Long> sorted, int total, double q) {
    int i = Math.max(0, (int) Math.ceil(q * total) - 1);
    return i < sorted.size() ? Benchmark.round(sorted.get(i) / 1000.0) : null;
  }

  static LoginEvent probe(String id, String subject, Instant at, boolean far) {
    Geo geo =
        far
            ? Geo.newBuilder()
                .setCountry("AU")
                .setCity("Sydney")
                .setLatitude(-33.87)
                .setLongitude(151.21)
                .setAsn(1221L)
                .build()
            : Geo.newBuilder()
                .setCountry("DE")
                .setCity("Berlin")
                .setLatitude(52.52)
                .setLongitude(13.40)
                .setAsn(3320L)
                .build();
    return LoginEvent.newBuilder()
        .setEventId(id)
        .setTimestamp(at)
        .setSubjectId(subject)
        .setSubjectType(SubjectType.HUMAN)
        .setSessionId("s-" + id)
        .setIp(far ? "1.120.0.7" : "91.64.0.7")
        .setGeo(geo)
        .setAuthMethod(AuthMethod.WEBAUTHN)
        .setOutcome(LoginOutcome.SUCCESS)
        .build();
  }

  static ProducerRecord<byte[], byte[]> record(Topic<String, LoginEvent> t, LoginEvent e) {
    return new ProducerRecord<>(
        t.name(),
        null,
        e.getTimestamp().toEpochMilli(),
        t.keySerde().serializer().serialize(t.name(), e.getSubjectId()),
        t.valueSerde().serializer().serialize(t.name(), e));
  }

  private KafkaProducer<byte[], byte[]> producer(int lingerMs) {
    Map<String, Object> cfg = new HashMap<>(plan.clientProperties());
    cfg.put(ProducerConfig.ACKS_CONFIG, "all");
    cfg.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
    return new KafkaProducer<>(cfg, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** A consumer with this isolation level positioned at the current end of a topic. */
  private KafkaConsumer<byte[], byte[]> tail(String topic, String isolation) {
    Map<String, Object> cfg = new HashMap<>(plan.clientProperties());
    cfg.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    cfg.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
    KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(cfg, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    var parts =
        c.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    c.assign(parts);
    c.seekToEnd(parts);
    parts.forEach(c::position);
    return c;
  }
}
