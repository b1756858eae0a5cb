package dev.vigil.dev.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vigil.app.Pipeline;
import dev.vigil.app.VigilApplication;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.metrics.VigilMetrics;
import dev.vigil.app.topics.ConsumerLag;
import dev.vigil.app.topics.TopicAdmin;
import dev.vigil.dev.DataDirectories;
import dev.vigil.dev.demo.GeneratedEventSender;
import dev.vigil.dev.demo.generator.GeneratorSettings;
import dev.vigil.dev.demo.generator.TrafficGenerator;
import dev.vigil.dev.embedded.EmbeddedKafkaBroker;
import dev.vigil.dev.registry.InProcessSchemaRegistry;
import dev.vigil.schema.AuthMethod;
import dev.vigil.schema.EnforcementCommand;
import dev.vigil.schema.Geo;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.LoginOutcome;
import dev.vigil.schema.SubjectType;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Measures Vigil against a pass-through Kafka Streams application on the same embedded broker, in
 * the same run, with the same input and guarantees, and reports ratios: throughput over a replay of
 * generated history, end-to-end latency of single events, and heap and state size. Absolute numbers
 * depend on the machine; the ratios are what to compare between versions.
 */
public final class Benchmark {

  private static final int PARTITIONS = 3;
  private static final String PASS_THROUGH_SINK = "bench.passthrough.out";

  private final BenchOptions options;
  private final PrintWriter out;

  /** Options of one run. */
  public record BenchOptions(
      int users, Duration history, long seed, int samples, Path workDir, Path report) {}

  private final VigilConfig base;

  /**
   * A benchmark with these options, printing progress to {@code out}.
   *
   * @param base settings for both applications (commit interval, guarantee, ...); broker, registry,
   *     state directory, application id and topic prefix are the benchmark's own
   */
  public Benchmark(VigilConfig base, BenchOptions options, PrintWriter out) {
    this.base = base;
    this.options = options;
    this.out = out;
  }

  /** Runs both applications and returns the report (also written to the report file if set). */
  public Map<String, Object> run() throws Exception {
    DataDirectories.deleteRecursively(options.workDir());
    try (EmbeddedKafkaBroker broker =
            EmbeddedKafkaBroker.builder()
                .port(0)
                .dataDir(options.workDir().resolve("kafka"))
                .build()
                .start();
        InProcessSchemaRegistry registry = InProcessSchemaRegistry.start(0)) {
      VigilConfig config =
          base.with("bootstrap.servers", broker.bootstrapServers(), "vigil bench")
              .with("schema.registry.url", registry.url(), "vigil bench")
              .with("state.dir", options.workDir().resolve("state").toString(), "vigil bench")
              .with("application.id", "vigil-bench", "vigil bench")
              .with("topic.prefix", "bench", "vigil bench")
              .with("http.port", "0", "vigil bench")
              .with("replication.factor", "1", "vigil bench")
              .with("http.auth.mode", "none", "vigil bench");
      Topics topics = VigilApplication.topics(config);
      try (TopicAdmin admin = new TopicAdmin(config.clientProperties(), Duration.ofSeconds(30));
          Admin raw = Admin.create(config.clientProperties())) {
        admin.createAll(topics, PARTITIONS, (short) 1);
        raw.createTopics(List.of(new NewTopic(PASS_THROUGH_SINK, PARTITIONS, (short) 1)))
            .all()
            .get();
      }
      long events = produceHistory(config, topics);
      out.printf(Locale.ROOT, "Produced %,d events of history.%n", events);
      List<String> inputs = inputs(topics);

      Map<String, Object> baseline = new LinkedHashMap<>();
      Map<String, Object> vigil = new LinkedHashMap<>();
      long heapBefore = usedHeap();
      try (Pipeline passThrough = passThrough(config, topics)) {
        out.println("Pass-through baseline: replaying...");
        baseline.putAll(replay(config, passThrough, "vigil-bench-passthrough", inputs, events));
        baseline.put("latencyMs", passThroughLatency(config, topics));
        baseline.put("heapUsedBytes", usedHeap() - heapBefore);
      }
      heapBefore = usedHeap();
      try (VigilApplication app =
          new VigilApplication(config.with("decay.interval", "5s", "by the benchmark"))) {
        out.println("Vigil: replaying...");
        List<String> vigilInputs = new ArrayList<>(inputs);
        // The SET stage reads decisions back from the commands and alerts topics.
        vigilInputs.add(topics.commands().name());
        vigilInputs.add(topics.alerts().name());
        vigil.putAll(replay(config, app.pipeline(), config.applicationId(), vigilInputs, events));
        vigil.put("latencyMs", detectionLatency(config, topics));
        vigil.put("heapUsedBytes", usedHeap() - heapBefore);
        vigil.put("stateDirBytes", size(options.workDir().resolve("state")));
        vigil.put("findings", (long) app.metrics().total("vigil.findings"));
        vigil.put("alerts", (long) app.metrics().total("vigil.alerts"));
      }
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("events", events);
      report.put("users", options.users());
      report.put("historyDays", options.history().toDays());
      report.put("partitions", PARTITIONS);
      report.put("processingGuarantee", config.streamsProperties().get("processing.guarantee"));
      report.put("commitIntervalMs", config.streamsProperties().get("commit.interval.ms"));
      report.put("cores", Runtime.getRuntime().availableProcessors());
      report.put("baseline", baseline);
      report.put("vigil", vigil);
      report.put("ratios", ratios(baseline, vigil));
      print(report);
      if (options.report() != null) {
        new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .writeValue(options.report().toFile(), report);
        out.println("Report written to " + options.report());
      }
      return report;
    } finally {
      DataDirectories.deleteRecursively(options.workDir());
    }
  }

  private long produceHistory(VigilConfig config, Topics topics) {
    Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    TrafficGenerator generator =
        new TrafficGenerator(
            new GeneratorSettings(
                options.seed(),
                options.users(),
                GeneratorSettings.DEFAULT_WORKLOADS,
                start,
                GeneratorSettings.DEFAULT_EVENTS_PER_SECOND,
                Duration.ofSeconds(10),
                Duration.ofSeconds(7)));
    Map<String, Object> cfg = new HashMap<>(config.clientProperties());
    cfg.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    cfg.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(cfg, new ByteArraySerializer(), new ByteArraySerializer())) {
      GeneratedEventSender sender = new GeneratedEventSender(producer, topics);
      sender.send(generator.referenceData().stream());
      return sender.send(generator.history(options.history()));
    }
  }

  private static List<String> inputs(Topics topics) {
    return VigilApplication.signalTopics(topics);
  }

  /** The same sources, guarantee and commit interval, but records are copied unchanged. */
  private Pipeline passThrough(VigilConfig config, Topics topics) {
    StreamsBuilder builder = new StreamsBuilder();
    for (String input : inputs(topics)) {
      builder.stream(
              input,
              Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(input + "-source"))
          .to(
              PASS_THROUGH_SINK,
              Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(input + "-sink"));
    }
    Properties props = new Properties();
    props.putAll(config.streamsProperties());
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "vigil-bench-passthrough");
    props.put(
        StreamsConfig.STATE_DIR_CONFIG, options.workDir().resolve("passthrough-state").toString());
    return new Pipeline(
        builder.build(),
        Pipeline.withVigilDefaults(props, topics, VigilMetrics.inMemory()),
        VigilMetrics.inMemory());
  }

  private Map<String, Object> replay(
      VigilConfig config, Pipeline pipeline, String group, List<String> inputs, long events)
      throws Exception {
    long t0 = System.nanoTime();
    pipeline.start(Duration.ofSeconds(120));
    long running = System.nanoTime();
    try (Admin admin = Admin.create(config.clientProperties())) {
      List<String> all = new ArrayList<>(inputs);
      boolean done = false;
      while (!done) {
        // Internal topics appear as the application creates them; include them as they do.
        all.clear();
        all.addAll(inputs);
        admin.listTopics().names().get().stream()
            .filter(t -> t.startsWith(group + "-") && t.endsWith("-repartition"))
            .forEach(all::add);
        done = ConsumerLag.awaitCaughtUp(admin, group, all, Duration.ofMinutes(10));
        if (!done) {
          throw new IllegalStateException(group + " did not catch up within 10 minutes.");
        }
        // Findings and repartitions may have grown while the inputs drained: check again.
        done = ConsumerLag.of(admin, group, all) == 0;
      }
    }
    double seconds = (System.nanoTime() - running) / 1e9;
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("startSeconds", round((running - t0) / 1e9));
    r.put("replaySeconds", round(seconds));
    r.put("eventsPerSecond", Math.round(events / seconds));
    return r;
  }

  private Map<String, Object> passThroughLatency(VigilConfig config, Topics topics)
      throws Exception {
    List<Long> samples = new ArrayList<>();
    pending.clear();
    Topic<String, LoginEvent> login = topics.login();
    try (KafkaProducer<byte[], byte[]> producer = producer(config);
        KafkaConsumer<byte[], byte[]> consumer = tail(config, PASS_THROUGH_SINK)) {
      for (int i = 0; i < options.samples(); i++) {
        LoginEvent e = probe("lat-pt-" + i, "latency-pt-" + i, Instant.now(), false);
        long sent = System.nanoTime();
        producer.send(record(login, e)).get();
        awaitAny(consumer);
        samples.add((System.nanoTime() - sent) / 1_000_000);
      }
    }
    return percentiles(samples);
  }

  /** Time from the event that completes an impossible-travel takeover to its command. */
  private Map<String, Object> detectionLatency(VigilConfig config, Topics topics) throws Exception {
    List<Long> samples = new ArrayList<>();
    pending.clear();
    Topic<String, LoginEvent> login = topics.login();
    Topic<String, EnforcementCommand> commands = topics.commands();
    try (KafkaProducer<byte[], byte[]> producer = producer(config);
        KafkaConsumer<byte[], byte[]> consumer = tail(config, commands.name())) {
      for (int i = 0; i < options.samples(); i++) {
        String subject = "latency-" + i + "@bench.example";
        Instant t = Instant.now().minusSeconds(3600);
        producer.send(record(login, probe("lat-a-" + i, subject, t, false))).get();
        LoginEvent second = probe("lat-b-" + i, subject, t.plusSeconds(1800), true);
        long sent = System.nanoTime();
        producer.send(record(login, second)).get();
        while (true) {
          ConsumerRecord<byte[], byte[]> r = awaitAny(consumer);
          if (subject.equals(new String(r.key(), java.nio.charset.StandardCharsets.UTF_8))) {
            break;
          }
        }
        samples.add((System.nanoTime() - sent) / 1_000_000);
      }
    }
    return percentiles(samples);
  }

  private static LoginEvent probe(String id, String subject, Instant at, boolean far) {
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

  private static ProducerRecord<byte[], byte[]> record(Topic<String, LoginEvent> t, LoginEvent e) {
    return new ProducerRecord<>(
        t.name(),
        null,
        e.getTimestamp().toEpochMilli(),
        t.keySerde().serializer().serialize(t.name(), e.getSubjectId()),
        t.valueSerde().serializer().serialize(t.name(), e));
  }

  private static KafkaProducer<byte[], byte[]> producer(VigilConfig config) {
    Map<String, Object> cfg = new HashMap<>(config.clientProperties());
    cfg.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(cfg, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** A read_committed consumer positioned at the current end of a topic. */
  private static KafkaConsumer<byte[], byte[]> tail(VigilConfig config, String topic) {
    Map<String, Object> cfg = new HashMap<>(config.clientProperties());
    cfg.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(cfg, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    var parts =
        c.partitionsFor(topic).stream()
            .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition()))
            .toList();
    c.assign(parts);
    c.seekToEnd(parts);
    parts.forEach(c::position);
    return c;
  }

  private final java.util.ArrayDeque<ConsumerRecord<byte[], byte[]>> pending =
      new java.util.ArrayDeque<>();

  /** The next record, polling in short steps so latency is measured to a few milliseconds. */
  private ConsumerRecord<byte[], byte[]> awaitAny(KafkaConsumer<byte[], byte[]> c) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (pending.isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("No output within 60 s while measuring latency.");
      }
      c.poll(Duration.ofMillis(5)).forEach(pending::add);
    }
    return pending.poll();
  }

  private static Map<String, Object> percentiles(List<Long> samples) {
    List<Long> sorted = samples.stream().sorted().toList();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("p50", sorted.get(sorted.size() / 2));
    m.put("p95", sorted.get((int) Math.ceil(sorted.size() * 0.95) - 1));
    m.put("max", sorted.get(sorted.size() - 1));
    return m;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> ratios(Map<String, Object> base, Map<String, Object> vigil) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put(
        "throughput",
        round(
            ((Number) vigil.get("eventsPerSecond")).doubleValue()
                / ((Number) base.get("eventsPerSecond")).doubleValue()));
    r.put(
        "latencyP50",
        round(
            ((Number) ((Map<String, Object>) vigil.get("latencyMs")).get("p50")).doubleValue()
                / Math.max(
                    1,
                    ((Number) ((Map<String, Object>) base.get("latencyMs")).get("p50"))
                        .doubleValue())));
    r.put(
        "heap",
        round(
            ((Number) vigil.get("heapUsedBytes")).doubleValue()
                / Math.max(1, ((Number) base.get("heapUsedBytes")).doubleValue())));
    return r;
  }

  private void print(Map<String, Object> report) {
    @SuppressWarnings("unchecked")
    Map<String, Object> b = (Map<String, Object>) report.get("baseline");
    @SuppressWarnings("unchecked")
    Map<String, Object> v = (Map<String, Object>) report.get("vigil");
    out.printf(Locale.ROOT, "%n%-24s %16s %16s%n", "", "pass-through", "vigil");
    out.printf(
        Locale.ROOT,
        "%-24s %16s %16s%n",
        "events/s (replay)",
        b.get("eventsPerSecond"),
        v.get("eventsPerSecond"));
    out.printf(
        Locale.ROOT, "%-24s %16s %16s%n", "latency ms", b.get("latencyMs"), v.get("latencyMs"));
    out.printf(
        Locale.ROOT,
        "%-24s %16s %16s%n",
        "heap used MiB",
        b.get("heapUsedBytes") instanceof Number n ? n.longValue() >> 20 : "?",
        v.get("heapUsedBytes") instanceof Number n2 ? n2.longValue() >> 20 : "?");
    out.printf(
        Locale.ROOT,
        "%-24s %16s %16s%n",
        "state on disk MiB",
        "-",
        ((Number) v.get("stateDirBytes")).longValue() >> 20);
    out.println("ratios (vigil / pass-through): " + report.get("ratios"));
    out.flush();
  }

  private static long usedHeap() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static long size(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
