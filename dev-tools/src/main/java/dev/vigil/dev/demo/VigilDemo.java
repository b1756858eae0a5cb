package dev.vigil.dev.demo;

import dev.vigil.app.VigilApplication;
import dev.vigil.app.cli.Observation;
import dev.vigil.app.cli.OutputPrinter;
import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.metrics.VigilMetrics;
import dev.vigil.app.topics.ConsumerLag;
import dev.vigil.app.topics.TopicAdmin;
import dev.vigil.dev.DataDirectories;
import dev.vigil.dev.demo.generator.GeneratorSettings;
import dev.vigil.dev.demo.generator.ScenarioLabel;
import dev.vigil.dev.demo.generator.TrafficGenerator;
import dev.vigil.dev.embedded.EmbeddedKafkaBroker;
import dev.vigil.dev.registry.InProcessSchemaRegistry;
import dev.vigil.risk.decision.PolicyParser;
import dev.vigil.schema.EnforcementCommand;
import dev.vigil.schema.PolicyDocument;
import dev.vigil.schema.RiskAlert;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code vigil demo}: a real KRaft broker and a schema registry in-process, every topic, the
 * pipeline, seven days of generated history to learn baselines, then live traffic with ten labelled
 * attacks; alerts and decisions are printed as they arrive and a scorecard at the end.
 */
public final class VigilDemo {

  private static final Duration HISTORY = Duration.ofDays(7);
  private static final int DEMO_PARTITIONS = 3;
  private static final long PROGRESS_EVERY_MS = 5_000;

  /** The static SSF management token of the demo (development only). */
  public static final String DEMO_SSF_TOKEN = "demo-ssf-token";

  public int run(VigilConfig baseConfig, DemoOptions options, PrintWriter out) throws Exception {
    OutputPrinter printer = new OutputPrinter(out, options.output());
    CountDownLatch stop = new CountDownLatch(1);
    AtomicBoolean stopping = new AtomicBoolean();
    Thread hook = new Thread(stop::countDown, "vigil-demo-stop");
    Runtime.getRuntime().addShutdownHook(hook);

    Path dataDir = options.dataDir().toAbsolutePath();
    DataDirectories.deleteRecursively(dataDir.resolve("kafka"));
    DataDirectories.deleteRecursively(dataDir.resolve("state"));
    long t0 = System.nanoTime();
    printer.info("Starting an embedded Kafka broker (KRaft) and schema registry...");
    try (EmbeddedKafkaBroker broker =
            EmbeddedKafkaBroker.builder()
                .port(options.brokerPort())
                .dataDir(dataDir.resolve("kafka"))
                .build()
                .start();
        InProcessSchemaRegistry registry = InProcessSchemaRegistry.start(0)) {
      VigilConfig config =
          baseConfig
              .with("bootstrap.servers", broker.bootstrapServers(), "vigil demo")
              .with("schema.registry.url", registry.url(), "vigil demo")
              .with("state.dir", dataDir.resolve("state").toString(), "vigil demo")
              .with("application.id", "vigil-demo", "vigil demo")
              .with("commit.interval.ms", "200", "vigil demo")
              .with("replication.factor", "1", "vigil demo")
              .with("http.auth.mode", "none", "vigil demo");
      if (config.get(Settings.SSF_DEV_TOKEN).isBlank()) {
        // The demo is development mode: SSF streams are managed with a known static token.
        config = config.with("ssf.dev.token", DEMO_SSF_TOKEN, "vigil demo");
      }
      Topics topics = VigilApplication.topics(config);
      try (TopicAdmin admin = new TopicAdmin(config.clientProperties(), Duration.ofSeconds(30))) {
        admin.createAll(topics, DEMO_PARTITIONS, (short) 1);
      }
      try (VigilApplication app =
          new VigilApplication(config.with("decay.interval", "2s", "by the demo"))) {
        app.start(Duration.ofSeconds(60));
        if (app.httpPort() >= 0) {
          printer.info(
              "HTTP API on http://localhost:"
                  + app.httpPort()
                  + " (/health, /ready, /metrics, /.well-known/jwks.json, /subjects/{id}/risk).");
          if (app.ssf() != null) {
            printer.info(
                "SSF transmitter: http://localhost:"
                    + app.httpPort()
                    + "/.well-known/ssf-configuration (development token: "
                    + config.get(Settings.SSF_DEV_TOKEN)
                    + ").");
          }
        }
        printer.info(
            String.format(
                "Broker %s ready in %.1f s; pipeline running %.1f s after start.",
                broker.bootstrapServers(),
                broker.startDuration().toMillis() / 1000.0,
                (System.nanoTime() - t0) / 1e9));
        return runTraffic(config, topics, options, printer, stop, stopping, app.metrics());
      }
    } finally {
      stopping.set(true);
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The JVM is already stopping (Ctrl-C): the hook has run.
      }
    }
  }

  private int runTraffic(
      VigilConfig config,
      Topics topics,
      DemoOptions options,
      OutputPrinter printer,
      CountDownLatch stop,
      AtomicBoolean stopping,
      VigilMetrics metrics)
      throws Exception {
    long seed = options.seed().orElse(System.nanoTime());
    Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    GeneratorSettings settings =
        new GeneratorSettings(
            seed,
            options.users(),
            GeneratorSettings.DEFAULT_WORKLOADS,
            start,
            options.rate(),
            Duration.ofSeconds(10),
            Duration.ofSeconds(7));
    TrafficGenerator generator = new TrafficGenerator(settings);

    List<Observation> live = Collections.synchronizedList(new ArrayList<>());
    Map<String, Object> producerConfig = new HashMap<>(config.clientProperties());
    producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(
                producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
        OutputWatcher watcher = new OutputWatcher(config, topics, printer, live, start)) {
      GeneratedEventSender sender = new GeneratedEventSender(producer, topics);
      sender.send(generator.referenceData().stream());
      publishDefaultPolicy(producer, topics);

      printer.info("Replaying 7 days of history so baselines can learn (seed " + seed + ")...");
      long h0 = System.nanoTime();
      long count = sender.send(generator.history(HISTORY));
      producer.flush();
      waitForCatchUp(config, topics, Duration.ofMinutes(3), printer, count);
      double secs = (System.nanoTime() - h0) / 1e9;
      printer.info(
          String.format(
              "History: %,d events processed in %.1f s (%,.0f events/s end to end). Going live:"
                  + " %d users, %d events/s, 10 attacks in the next 80 s.",
              count, secs, count / secs, options.users(), options.rate()));

      watcher.start();
      long liveStartWall = System.currentTimeMillis();
      long deadline =
          options.duration().map(d -> liveStartWall + d.toMillis()).orElse(Long.MAX_VALUE);
      LiveStatus status = new LiveStatus(metrics, printer, liveStartWall);
      while (System.currentTimeMillis() < deadline && !stopping.get()) {
        Instant simulatedNow = start.plusMillis(System.currentTimeMillis() - liveStartWall);
        sender.send(generator.nextBatchUntil(simulatedNow).stream());
        status.maybePrint(System.currentTimeMillis());
        if (stop.await(100, TimeUnit.MILLISECONDS)) {
          break;
        }
      }
      producer.flush();
      // Give decisions for the last events a moment to arrive before the scorecard.
      watcher.drain(Duration.ofSeconds(3));

      List<ScenarioLabel> labels = generator.labels();
      Scorecard card =
          Scorecard.compute(
              labels,
              List.copyOf(live),
              at -> liveStartWall + Duration.between(start, at).toMillis());
      printer.info(card.toText());
      if (options.scorecard().isPresent()) {
        card.writeJson(options.scorecard().get());
        printer.info("Scorecard written to " + options.scorecard().get());
      }
      return 0;
    }
  }

  private static void publishDefaultPolicy(KafkaProducer<byte[], byte[]> producer, Topics topics)
      throws Exception {
    String text = PolicyParser.defaultPolicyText();
    var policy = PolicyParser.parse(text);
    PolicyDocument doc =
        PolicyDocument.newBuilder()
            .setPolicyId(policy.policyId())
            .setVersion(policy.version())
            .setDocument(text)
            .setSha256(
                HexFormat.of()
                    .formatHex(
                        MessageDigest.getInstance("SHA-256")
                            .digest(text.getBytes(StandardCharsets.UTF_8))))
            .setPublishedAt(Instant.now())
            .setPublishedBy("vigil demo")
            .build();
    Topic<String, PolicyDocument> t = topics.policy();
    producer.send(
        new ProducerRecord<>(
            t.name(),
            t.keySerde().serializer().serialize(t.name(), doc.getPolicyId()),
            t.valueSerde().serializer().serialize(t.name(), doc)));
  }

  /** Waits until the pipeline's consumer group has no lag on the signal topics. */
  private static void waitForCatchUp(
      VigilConfig config, Topics topics, Duration max, OutputPrinter printer, long sent)
      throws Exception {
    List<String> inputs = VigilApplication.signalTopics(topics);
    long deadline = System.currentTimeMillis() + max.toMillis();
    long began = System.currentTimeMillis();
    long nextReport = began + PROGRESS_EVERY_MS;
    try (Admin admin = Admin.create(config.clientProperties())) {
      while (System.currentTimeMillis() < deadline) {
        // With the repartition topics (findings on their way to their subject's partition, ...),
        // as the application creates them.
        List<String> all = new java.util.ArrayList<>(inputs);
        admin.listTopics().names().get().stream()
            .filter(t -> t.startsWith(config.applicationId() + "-") && t.endsWith("-repartition"))
            .forEach(all::add);
        long lag = ConsumerLag.of(admin, config.applicationId(), all);
        if (lag == 0) {
          return;
        }
        long now = System.currentTimeMillis();
        if (now >= nextReport) {
          // The lag also counts findings not yet scored, so progress is an estimate.
          long done = Math.max(0, sent - lag);
          printer.info(
              String.format(
                  "  ... history %d%%: %,d of %,d events, %,.0f events/s, %,d still to process",
                  sent == 0 ? 100 : Math.min(100, done * 100 / sent),
                  done,
                  sent,
                  done * 1000.0 / Math.max(1, now - began),
                  lag));
          nextReport = now + PROGRESS_EVERY_MS;
        }
        Thread.sleep(500); // Polling the broker for lag; there is no condition to await on.
      }
    }
    printer.info("The pipeline is still catching up with history; going live anyway.");
  }

  /**
   * Prints the input rate and the alerts and commands so far, every few seconds of the live run.
   */
  private static final class LiveStatus {
    private final VigilMetrics metrics;
    private final OutputPrinter printer;
    private long lastAt;
    private double lastEvents;

    LiveStatus(VigilMetrics metrics, OutputPrinter printer, long startMillis) {
      this.metrics = metrics;
      this.printer = printer;
      this.lastAt = startMillis;
      this.lastEvents = accepted();
    }

    void maybePrint(long now) {
      if (now - lastAt < PROGRESS_EVERY_MS) {
        return;
      }
      double events = accepted();
      double commands =
          metrics.registry().find(VigilMetrics.DECISIONS).tag("mode", "enforce").counters().stream()
              .mapToDouble(io.micrometer.core.instrument.Counter::count)
              .sum();
      printer.info(
          String.format(
              "  live: %,.0f events/s in; %,.0f alerts, %,.0f commands, %,.0f findings so far",
              (events - lastEvents) * 1000.0 / (now - lastAt),
              metrics.total(VigilMetrics.ALERTS),
              commands,
              metrics.total(VigilMetrics.FINDINGS)));
      lastAt = now;
      lastEvents = events;
    }

    private double accepted() {
      return metrics
          .registry()
          .find(VigilMetrics.EVENTS)
          .tag("outcome", VigilMetrics.ACCEPTED)
          .counters()
          .stream()
          .mapToDouble(io.micrometer.core.instrument.Counter::count)
          .sum();
    }
  }

  /** Reads alerts, commands, audit and dead letters (read_committed) and prints them. */
  private static final class OutputWatcher implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Topics topics;
    private final OutputPrinter printer;
    private final List<Observation> live;
    private final Instant liveStart;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long lastSeen = System.currentTimeMillis();

    OutputWatcher(
        VigilConfig config,
        Topics topics,
        OutputPrinter printer,
        List<Observation> live,
        Instant liveStart) {
      Map<String, Object> c = new HashMap<>(config.clientProperties());
      c.put(ConsumerConfig.GROUP_ID_CONFIG, "vigil-demo-watcher");
      c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
      c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      this.consumer =
          new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      this.topics = topics;
      this.printer = printer;
      this.live = live;
      this.liveStart = liveStart;
      consumer.subscribe(
          List.of(
              topics.alerts().name(),
              topics.commands().name(),
              topics.audit().name(),
              topics.deadLetters().name()));
      // Join the group now, so nothing produced after this point is missed.
      consumer.poll(Duration.ofMillis(500));
      consumer.commitSync();
      this.thread = new Thread(this::loop, "vigil-demo-watcher");
      thread.setDaemon(true);
    }

    void start() {
      thread.start();
    }

    private void loop() {
      while (running) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          lastSeen = System.currentTimeMillis();
          Observation o = observe(r);
          if (o != null) {
            live.add(o);
            printer.print(o);
          }
        }
      }
    }

    private Observation observe(ConsumerRecord<byte[], byte[]> r) {
      long now = System.currentTimeMillis();
      String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
      if (r.topic().equals(topics.alerts().name())) {
        RiskAlert a = topics.alerts().valueSerde().deserializer().deserialize(r.topic(), r.value());
        // Alerts about warm-up history are not news; only live ones are shown.
        return a.getTimestamp().isBefore(liveStart.minusSeconds(60))
            ? null
            : new Observation(Observation.Kind.ALERT, key, a, now);
      }
      if (r.topic().equals(topics.deadLetters().name())) {
        return new Observation(Observation.Kind.DEAD_LETTER, key, null, now);
      }
      boolean command = r.topic().equals(topics.commands().name());
      EnforcementCommand c =
          (command ? topics.commands() : topics.audit())
              .valueSerde()
              .deserializer()
              .deserialize(r.topic(), r.value());
      if (c.getIssuedAt().isBefore(liveStart.minusSeconds(60))) {
        return null;
      }
      if (!command && c.getMode() == dev.vigil.schema.DecisionMode.ENFORCE) {
        // Enforced decisions are shown once, as commands; the audit line adds nothing for people.
        live.add(new Observation(Observation.Kind.AUDIT, key, c, now));
        return null;
      }
      return new Observation(
          command ? Observation.Kind.COMMAND : Observation.Kind.AUDIT, key, c, now);
    }

    /** Waits until nothing has arrived for a while, at most the given time. */
    void drain(Duration quiet) throws InterruptedException {
      long deadline = System.currentTimeMillis() + quiet.toMillis() * 3;
      while (System.currentTimeMillis() - lastSeen < quiet.toMillis()
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(100); // Waiting for quiet on the output topics; nothing to await on.
      }
    }

    @Override
    public void close() {
      running = false;
      try {
        if (thread.isAlive()) {
          thread.join(2000);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(2)));
    }
  }
}
