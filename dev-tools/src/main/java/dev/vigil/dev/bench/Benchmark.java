package dev.vigil.dev.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.management.OperatingSystemMXBean;
import dev.vigil.app.Pipeline;
import dev.vigil.app.VigilApplication;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.metrics.VigilMetrics;
import dev.vigil.app.topics.ConsumerLag;
import dev.vigil.app.topics.TopicAdmin;
import dev.vigil.dev.DataDirectories;
import dev.vigil.dev.demo.GeneratedEventSender;
import dev.vigil.dev.demo.generator.GeneratedEvent;
import dev.vigil.dev.demo.generator.GeneratorSettings;
import dev.vigil.dev.demo.generator.TrafficGenerator;
import dev.vigil.dev.embedded.EmbeddedKafkaBroker;
import dev.vigil.dev.registry.InProcessSchemaRegistry;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Measures Vigil against a byte-for-byte pass-through Kafka Streams application on the same
 * embedded broker, in the same run, with the same pre-loaded input, guarantee, commit interval and
 * partitions.
 *
 * <ol>
 *   <li><b>Steady-state throughput.</b> The input is produced into the signal topics before either
 *       application starts. Each application then processes all of it, one after the other; a
 *       progress counter ({@link ProcessedCounter}) is sampled every 50 ms and the throughput is
 *       taken between the instants 20% and 90% of the input had been reached, so start-up,
 *       rebalancing, the first fetches and the tail are excluded. CPU (the application's threads
 *       and the whole process) is read at the same two instants.
 *   <li><b>Memory and state.</b> Once caught up: heap after a full GC (less the heap after GC just
 *       before the application started), then the application is closed (which flushes RocksDB) and
 *       the {@code .sst} bytes of its state directory are divided by the distinct subjects of the
 *       input.
 *   <li><b>Latency.</b> Each application again (Vigil restarted on its state) under a fixed offered
 *       load, by default half of Vigil's measured steady throughput, with marked probes: see {@link
 *       LatencyRun}.
 * </ol>
 *
 * <p>With {@code subjects > 0} it runs the scale mode instead (Vigil only): one login for each of N
 * distinct subjects, heap after GC and state per subject, then the local state is deleted and the
 * restore from the changelogs is timed.
 */
public final class Benchmark {

  private static final int PARTITIONS = 3;
  private static final String PASS_THROUGH_SINK = "bench.passthrough.out";
  private static final String PASS_THROUGH_ID = "bench-passthrough";

  /** How many times the pass-through processes the input for its steady throughput. */
  static final int PASS_THROUGH_RUNS = 3;

  private static final String VIGIL_ID = "vigil-bench";
  private static final double WINDOW_FROM = 0.2;
  private static final double WINDOW_TO = 0.9;
  private static final long SAMPLE_MILLIS = 50;
  private static final Duration LATENCY_WARM_UP = Duration.ofSeconds(5);
  private static final Duration MAX_REPLAY = Duration.ofMinutes(60);
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(15);

  /**
   * Options of one run.
   *
   * @param users people in the generated population
   * @param history simulated history pre-loaded as input
   * @param events if positive, the input is cut after this many events (and the population grown so
   *     the history has about that many)
   * @param seed traffic seed
   * @param samples latency probes per application
   * @param probesPerSecond rate of the probes
   * @param offeredLoad events/s of the latency run; 0 for half of Vigil's steady throughput
   * @param subjects if positive, run the scale mode with this many subjects instead
   * @param preset name of the preset, for the report
   * @param workDir scratch directory, wiped before and after
   * @param report JSON report file, or null
   */
  public record BenchOptions(
      int users,
      Duration history,
      long events,
      long seed,
      int samples,
      double probesPerSecond,
      double offeredLoad,
      long subjects,
      String preset,
      Path workDir,
      Path report) {}

  private final BenchOptions options;
  private final PrintWriter out;
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

  /** Runs the benchmark and returns the report (also written to the report file if set). */
  public Map<String, Object> run() throws Exception {
    DataDirectories.deleteRecursively(options.workDir());
    try (EmbeddedKafkaBroker broker =
            EmbeddedKafkaBroker.builder()
                .port(0)
                .dataDir(options.workDir().resolve("kafka"))
                // On a saturated machine the controller in the same JVM can miss the broker's
                // heartbeats and fence it (leaders go away, producers retry for minutes): a
                // single-node benchmark gains nothing from that, so be patient.
                .brokerProperty("broker.session.timeout.ms", "60000")
                .startTimeout(Duration.ofMinutes(2))
                .build()
                .start();
        InProcessSchemaRegistry registry = InProcessSchemaRegistry.start(0)) {
      VigilConfig config =
          base.with("bootstrap.servers", broker.bootstrapServers(), "vigil bench")
              .with("schema.registry.url", registry.url(), "vigil bench")
              .with("state.dir", options.workDir().resolve("state").toString(), "vigil bench")
              .with("application.id", VIGIL_ID, "vigil bench")
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
      Map<String, Object> report =
          options.subjects() > 0 ? scale(config, topics) : compare(config, topics);
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

  private Map<String, Object> compare(VigilConfig config, Topics topics) throws Exception {
    int users = options.users();
    if (options.events() > 0) {
      // About 23 events per person and simulated day (208,115 events for 3,000 people over 3 d).
      long perUser = Math.max(1, 23 * Math.max(1, options.history().toDays()));
      users = (int) Math.max(users, (options.events() + perUser - 1) / perUser);
    }
    Input input = preload(config, topics, users);
    out.printf(
        Locale.ROOT,
        "Pre-loaded %,d events (%,d distinct subjects, %,d people) in %.1f s.%n",
        input.events(),
        input.subjects(),
        users,
        input.seconds());
    List<String> signals = VigilApplication.signalTopics(topics);

    Map<String, Object> baseline = new LinkedHashMap<>();
    out.println("Pass-through: processing the pre-loaded input...");
    // The pass-through's steady window lasts seconds where Vigil's lasts tens, so one run swings
    // with whatever else the machine does: it runs several times (each under its own application
    // id, the last under the one the latency run resumes) and the median run is reported.
    List<Map<String, Object>> runs = new ArrayList<>();
    Map<String, Object> lastRun = new LinkedHashMap<>();
    long heapBefore = heapAfterGc();
    for (int run = PASS_THROUGH_RUNS; run >= 1; run--) {
      String id = run == 1 ? PASS_THROUGH_ID : PASS_THROUGH_ID + "-" + run;
      try (Pipeline passThrough = passThrough(config, topics, signals, id)) {
        runs.add(steady(config, passThrough, id, signals, input.events(), List.of()));
        if (run == 1) {
          lastRun.put("producedRecords", producedRecords(passThrough, input.events()));
          lastRun.put("heapAfterGcBytes", heapAfterGc() - heapBefore);
        }
        leave(passThrough);
      }
    }
    baseline.putAll(medianRun(runs));
    baseline.put("eventsPerSecondRuns", runs.stream().map(r -> r.get("eventsPerSecond")).toList());
    // Produced records and heap are the last run's, taken while it was still running.
    baseline.putAll(lastRun);

    Map<String, Object> vigil = new LinkedHashMap<>();
    VigilConfig vigilConfig = vigilConfig(config);
    List<String> vigilInternal =
        List.of(
            // The SET stage reads decisions back from the commands and alerts topics.
            topics.commands().name(), topics.alerts().name());
    out.println("Vigil: processing the pre-loaded input...");
    heapBefore = heapAfterGc();
    try (VigilApplication app = new VigilApplication(vigilConfig)) {
      vigil.putAll(
          steady(config, app.pipeline(), VIGIL_ID, signals, input.events(), vigilInternal));
      vigil.put("producedRecords", producedRecords(app.pipeline(), input.events()));
      vigil.put("heapAfterGcBytes", heapAfterGc() - heapBefore);
      vigil.put("jvmHeapAfterGcBytes", heapAfterGc());
      long live = rocksDbLiveBytes(app.pipeline());
      vigil.put("stateLiveBytes", live);
      vigil.put("stateBytesPerSubject", Math.round((double) live / Math.max(1, input.subjects())));
      long logical = changelogLogicalBytes(config);
      vigil.put("stateLogicalBytes", logical);
      vigil.put(
          "stateLogicalBytesPerSubject",
          Math.round((double) logical / Math.max(1, input.subjects())));
      vigil.put("findings", (long) app.metrics().total("vigil.findings"));
      vigil.put("alerts", (long) app.metrics().total("vigil.alerts"));
      leave(app.pipeline());
    }
    Path vigilState = options.workDir().resolve("state");
    vigil.put("stateSstBytesAfterClose", sstBytes(vigilState));
    vigil.put("stateDirBytes", size(vigilState));

    double vigilEps = ((Number) vigil.get("eventsPerSecond")).doubleValue();
    double load = options.offeredLoad() > 0 ? options.offeredLoad() : Math.max(20, vigilEps / 2);
    out.printf(Locale.ROOT, "Latency runs at %,.0f events/s offered...%n", load);
    // Each application first catches up with what was written since it last ran (for Vigil: the
    // pass-through's latency run, thousands of events), so the offered load is the only load and
    // the probes do not queue behind a backlog the run did not offer.
    try (Pipeline passThrough = passThrough(config, topics, signals)) {
      passThrough.start(Duration.ofSeconds(120));
      awaitReady(passThrough);
      awaitCaughtUp(config, PASS_THROUGH_ID, signals, List.of());
      baseline.put(
          "latencyMs", latency(config, topics, PASS_THROUGH_SINK, false, "lat-pt-", load, users));
      leave(passThrough);
    }
    try (VigilApplication app = new VigilApplication(vigilConfig)) {
      app.pipeline().start(Duration.ofSeconds(120));
      awaitReady(app.pipeline());
      awaitCaughtUp(config, VIGIL_ID, signals, vigilInternal);
      vigil.put(
          "latencyMs",
          latency(config, topics, topics.commands().name(), true, "lat-", load, users));
    }

    Map<String, Object> report = new LinkedHashMap<>();
    report.put("preset", options.preset());
    report.put("events", input.events());
    report.put("subjects", input.subjects());
    report.put("users", users);
    report.put("historyDays", options.history().toDays());
    report.put("partitions", PARTITIONS);
    report.put("processingGuarantee", config.streamsProperties().get("processing.guarantee"));
    report.put("commitIntervalMs", config.streamsProperties().get("commit.interval.ms"));
    report.put("cores", Runtime.getRuntime().availableProcessors());
    report.put("method", method());
    report.put("baseline", baseline);
    report.put("vigil", vigil);
    report.put("ratios", ratios(baseline, vigil));
    print(report);
    return report;
  }

  private static Map<String, Object> method() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(
        "throughput",
        "input pre-loaded before either app starts; events/s between the instants 20% and 90% of"
            + " the input reached processing (sampled every 50 ms); the pass-through processes the"
            + " input "
            + PASS_THROUGH_RUNS
            + " times and its median run is reported");
    m.put(
        "latency",
        "probe signal handed to the producer -> first output record for its subject received by a"
            + " read_committed consumer (same JVM clock), under the offered load");
    m.put(
        "cpu",
        "CPU time of the application's threads (stream, producer, consumer, global) in the steady"
            + " window; processCpu also counts the embedded broker and the load producers");
    m.put("heap", "heap used after System.gc() with the app caught up, less the same before start");
    m.put(
        "state",
        "RocksDB live-sst-files-size + cur-size-all-mem-tables over all stores, caught up /"
            + " distinct subjects");
    return m;
  }

  /** Pre-loaded input: event count, distinct subjects, how long producing took. */
  private record Input(long events, long subjects, double seconds) {}

  private Input preload(VigilConfig config, Topics topics, int users) throws Exception {
    long t0 = System.nanoTime();
    Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    TrafficGenerator generator =
        new TrafficGenerator(
            new GeneratorSettings(
                options.seed(),
                users,
                GeneratorSettings.DEFAULT_WORKLOADS,
                start,
                GeneratorSettings.DEFAULT_EVENTS_PER_SECOND,
                Duration.ofSeconds(10),
                Duration.ofSeconds(7)));
    Set<String> subjects = new HashSet<>();
    try (KafkaProducer<byte[], byte[]> producer = loader(config)) {
      GeneratedEventSender sender = new GeneratedEventSender(producer, topics);
      sender.send(generator.referenceData().stream());
      Stream<GeneratedEvent> history = generator.history(options.history());
      if (options.events() > 0) {
        history = history.limit(options.events());
      }
      sender.send(history.peek(e -> subjects.addAll(e.subjects())));
      producer.flush();
    }
    // What the broker holds, not what was handed to the producer: a send that failed after its
    // retries is not part of the input.
    long events = endOffsets(config, VigilApplication.signalTopics(topics));
    return new Input(events, subjects.size(), (System.nanoTime() - t0) / 1e9);
  }

  private static long endOffsets(VigilConfig config, List<String> topics) throws Exception {
    try (Admin admin = Admin.create(config.clientProperties())) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      admin
          .describeTopics(topics)
          .allTopicNames()
          .get()
          .forEach(
              (name, d) ->
                  d.partitions()
                      .forEach(
                          p ->
                              latest.put(
                                  new TopicPartition(name, p.partition()), OffsetSpec.latest())));
      return admin.listOffsets(latest).all().get().values().stream()
          .mapToLong(o -> o.offset())
          .sum();
    }
  }

  private static KafkaProducer<byte[], byte[]> loader(VigilConfig config) {
    Map<String, Object> cfg = new HashMap<>(config.clientProperties());
    cfg.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    cfg.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    cfg.put(ProducerConfig.ACKS_CONFIG, "all");
    // One request at a time. With five in flight, a first batch refused because the new
    // partition's leader was not ready yet (NOT_LEADER_OR_FOLLOWER, seen right after the topics
    // are created) was overtaken by the partition's next batch, which was appended; the retried
    // first batch then failed with OutOfOrderSequenceException until its delivery timeout: two
    // minutes of pre-load in a 1M-subject scale run, and that batch's records lost.
    cfg.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    return new KafkaProducer<>(cfg, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * The run whose steady rate is the median of the runs (the lower middle one of an even count).
   */
  private static Map<String, Object> medianRun(List<Map<String, Object>> runs) {
    List<Map<String, Object>> sorted = new ArrayList<>(runs);
    sorted.sort(Comparator.comparingDouble(r -> ((Number) r.get("eventsPerSecond")).doubleValue()));
    return sorted.get((sorted.size() - 1) / 2);
  }

  private Pipeline passThrough(VigilConfig config, Topics topics, List<String> inputs) {
    return passThrough(config, topics, inputs, PASS_THROUGH_ID);
  }

  /** The same sources, guarantee, commit interval and partitions; records copied unchanged. */
  private Pipeline passThrough(
      VigilConfig config, Topics topics, List<String> inputs, String applicationId) {
    StreamsBuilder builder = new StreamsBuilder();
    for (String input : inputs) {
      builder.stream(
              input,
              Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(input + "-source"))
          .to(
              PASS_THROUGH_SINK,
              Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(input + "-sink"));
    }
    Properties props = new Properties();
    props.putAll(config.streamsProperties());
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(
        StreamsConfig.STATE_DIR_CONFIG, options.workDir().resolve("passthrough-state").toString());
    props.put(StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG, ProcessedCounter.class);
    return new Pipeline(
        builder.build(),
        Pipeline.withVigilDefaults(props, topics, VigilMetrics.inMemory()),
        VigilMetrics.inMemory());
  }

  /** One progress sample. */
  private record Sample(long nanos, long processed, long appCpuNanos, long processCpuNanos) {}

  /**
   * Starts the application on the pre-loaded input, measures the steady window, then waits until it
   * has caught up with its inputs and internal topics.
   */
  private Map<String, Object> steady(
      VigilConfig config,
      Pipeline pipeline,
      String applicationId,
      List<String> inputs,
      long events,
      List<String> internalInputs)
      throws Exception {
    LongAdder processed = ProcessedCounter.track(applicationId, Set.copyOf(inputs));
    // Where a window too short to sample (a small input, a fast application) is measured from.
    Sample start = sample(processed.sum(), applicationId);
    long t0 = System.nanoTime();
    pipeline.start(Duration.ofSeconds(120));
    long running = System.nanoTime();
    Sample first = null;
    Sample from = null;
    Sample to = null;
    int samples = 0;
    long deadline = running + MAX_REPLAY.toNanos();
    long nextProgress = running + PROGRESS_EVERY.toNanos();
    long lastProgressNanos = running;
    long lastProgressEvents = 0;
    while (to == null) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            applicationId + " did not process 90% of the input within " + MAX_REPLAY + ".");
      }
      long n = processed.sum();
      samples++;
      long now = System.nanoTime();
      if (now >= nextProgress) {
        // A long run (the scale mode's millions of subjects) shows its rate and time left.
        double rate = (n - lastProgressEvents) / ((now - lastProgressNanos) / 1e9);
        out.printf(
            Locale.ROOT,
            "  %s: %,d of %,d events after %.0f s, %,.0f events/s, about %.0f s to go%n",
            applicationId,
            n,
            events,
            (now - running) / 1e9,
            rate,
            rate > 0 ? Math.max(0, events - n) / rate : Double.NaN);
        out.flush();
        lastProgressNanos = now;
        lastProgressEvents = n;
        nextProgress = now + PROGRESS_EVERY.toNanos();
      }
      if (first == null && n > 0) {
        first = sample(n, applicationId);
      }
      if (from == null && n >= WINDOW_FROM * events) {
        from = sample(n, applicationId);
      } else if (from != null && n >= WINDOW_TO * events) {
        to = sample(n, applicationId);
      }
      if (to == null) {
        Thread.sleep(SAMPLE_MILLIS);
      }
    }
    boolean steady = samples >= 4 && to.nanos() > from.nanos() && to.processed() > from.processed();
    Sample a = steady ? from : first.processed() < to.processed() ? first : start;
    Sample b = to;
    double seconds = Math.max(1e-3, (b.nanos() - a.nanos()) / 1e9);
    long windowEvents = Math.max(1, b.processed() - a.processed());
    long caughtUp = awaitCaughtUp(config, applicationId, inputs, internalInputs);

    Map<String, Object> r = new LinkedHashMap<>();
    r.put("eventsPerSecond", Math.round(windowEvents / seconds));
    Map<String, Object> window = new LinkedHashMap<>();
    window.put("steady", steady);
    window.put("fromEvent", a.processed());
    window.put("toEvent", b.processed());
    window.put("seconds", round(seconds));
    window.put("startedAfterSeconds", round((a.nanos() - running) / 1e9));
    r.put("window", window);
    r.put(
        "cpuSecondsPerMillionEvents",
        round((b.appCpuNanos() - a.appCpuNanos()) / 1e9 / windowEvents * 1e6));
    r.put(
        "processCpuSecondsPerMillionEvents",
        round((b.processCpuNanos() - a.processCpuNanos()) / 1e9 / windowEvents * 1e6));
    r.put("startSeconds", round((running - t0) / 1e9));
    r.put("replaySeconds", round((caughtUp - running) / 1e9));
    r.put("averageEventsPerSecond", Math.round(events / ((caughtUp - running) / 1e9)));
    out.printf(
        Locale.ROOT,
        "  %s: %,d events/s steady (%,d events in %.1f s), all caught up after %.1f s%n",
        applicationId,
        r.get("eventsPerSecond"),
        windowEvents,
        seconds,
        (caughtUp - running) / 1e9);
    return r;
  }

  private Sample sample(long processed, String applicationId) {
    return new Sample(System.nanoTime(), processed, threadCpu(applicationId), processCpu());
  }

  /** CPU time of the live threads whose name contains the application id (its client ids do). */
  private static long threadCpu(String applicationId) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().contains(applicationId)) {
        long cpu = threads.getThreadCpuTime(info.getThreadId());
        if (cpu > 0) {
          sum += cpu;
        }
      }
    }
    return sum;
  }

  private static long processCpu() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
        ? os.getProcessCpuTime()
        : 0;
  }

  /** Waits until the group's lag on its inputs, repartitions and internal inputs is zero. */
  private static long awaitCaughtUp(
      VigilConfig config, String group, List<String> inputs, List<String> internalInputs)
      throws Exception {
    try (Admin admin = Admin.create(config.clientProperties())) {
      List<String> all = new ArrayList<>();
      boolean done = false;
      while (!done) {
        // Internal topics appear as the application creates them; include them as they do.
        all.clear();
        all.addAll(inputs);
        all.addAll(internalInputs);
        admin.listTopics().names().get().stream()
            .filter(t -> t.startsWith(group + "-") && t.endsWith("-repartition"))
            .forEach(all::add);
        if (!ConsumerLag.awaitCaughtUp(admin, group, all, MAX_REPLAY)) {
          throw new IllegalStateException(group + " did not catch up within " + MAX_REPLAY + ".");
        }
        // Findings and repartitions may have grown while the inputs drained: check again.
        done = ConsumerLag.of(admin, group, all) == 0;
      }
    }
    return System.nanoTime();
  }

  /**
   * Closes the application and leaves its consumer group, so the next instance of the same
   * application id is assigned its tasks at once instead of after the session timeout of this one
   * (Kafka Streams stays in the group on close by default, for rolling restarts).
   */
  private static void leave(Pipeline pipeline) {
    pipeline
        .streams()
        .close(
            CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(60)));
  }

  private static void awaitReady(Pipeline pipeline) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
    while (!pipeline.isReady()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("The application did not become ready in 30 minutes.");
      }
      Thread.sleep(20);
    }
  }

  private Map<String, Object> latency(
      VigilConfig config,
      Topics topics,
      String output,
      boolean pairs,
      String prefix,
      double load,
      int users)
      throws Exception {
    return new LatencyRun(
            new LatencyRun.Plan(
                config.clientProperties(),
                topics,
                output,
                pairs,
                prefix,
                load,
                options.samples(),
                options.probesPerSecond(),
                users,
                options.seed(),
                LATENCY_WARM_UP))
        .run();
  }

  // ---------------------------------------------------------------------------------------------
  // Scale mode

  private Map<String, Object> scale(VigilConfig config, Topics topics) throws Exception {
    long n = options.subjects();
    long t0 = System.nanoTime();
    Topic<String, LoginEvent> login = topics.login();
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    try (KafkaProducer<byte[], byte[]> producer = loader(config)) {
      TrafficGenerator reference =
          new TrafficGenerator(GeneratorSettings.defaults(options.seed()).withSeed(options.seed()));
      new GeneratedEventSender(producer, topics).send(reference.referenceData().stream());
      for (long i = 0; i < n; i++) {
        Instant at = now.minusSeconds(86_400 - (i * 86_400 / n));
        producer.send(
            LatencyRun.record(
                login, LatencyRun.probe("scale-" + i, "scale-" + i + "@bench.example", at, false)));
      }
      producer.flush();
    }
    long loaded = endOffsets(config, List.of(login.name()));
    if (loaded != n) {
      throw new IllegalStateException(
          "Only " + loaded + " of " + n + " logins reached the broker; see the log.");
    }
    out.printf(
        Locale.ROOT,
        "Pre-loaded one login for each of %,d subjects in %.1f s.%n",
        n,
        (System.nanoTime() - t0) / 1e9);
    List<String> signals = VigilApplication.signalTopics(topics);
    VigilConfig vigilConfig = vigilConfig(config);
    List<String> internal = List.of(topics.commands().name(), topics.alerts().name());
    Map<String, Object> vigil = new LinkedHashMap<>();
    long heapBefore = heapAfterGc();
    out.println("Vigil: processing...");
    try (VigilApplication app = new VigilApplication(vigilConfig)) {
      vigil.putAll(steady(config, app.pipeline(), VIGIL_ID, signals, n, internal));
      vigil.put("heapAfterGcBytes", heapAfterGc() - heapBefore);
      vigil.put("jvmHeapAfterGcBytes", heapAfterGc());
      vigil.put("jvmHeapMaxBytes", Runtime.getRuntime().maxMemory());
      long live = rocksDbLiveBytes(app.pipeline());
      vigil.put("stateLiveBytes", live);
      vigil.put("stateBytesPerSubject", Math.round((double) live / n));
      long logical = changelogLogicalBytes(config);
      vigil.put("stateLogicalBytes", logical);
      vigil.put("stateLogicalBytesPerSubject", Math.round((double) logical / n));
      leave(app.pipeline());
    }
    Path state = options.workDir().resolve("state");
    vigil.put("stateSstBytesAfterClose", sstBytes(state));
    vigil.put("stateDirBytes", size(state));
    long changelogRecords = changelogRecords(config);
    DataDirectories.deleteRecursively(state);
    out.printf(
        Locale.ROOT, "Local state deleted; restoring %,d changelog records...%n", changelogRecords);
    Map<String, Object> restore = new LinkedHashMap<>();
    long r0 = System.nanoTime();
    try (VigilApplication app = new VigilApplication(vigilConfig)) {
      app.pipeline().start(Duration.ofMinutes(30));
      long running = System.nanoTime();
      awaitReady(app.pipeline());
      long ready = System.nanoTime();
      restore.put("changelogRecords", changelogRecords);
      restore.put("secondsToRunning", round((running - r0) / 1e9));
      restore.put("secondsToReady", round((ready - r0) / 1e9));
      leave(app.pipeline());
    }
    restore.put("restoredStateSstBytes", sstBytes(state));
    vigil.put("restore", restore);

    Map<String, Object> report = new LinkedHashMap<>();
    report.put("preset", "scale");
    report.put("events", n);
    report.put("subjects", n);
    report.put("partitions", PARTITIONS);
    report.put("processingGuarantee", config.streamsProperties().get("processing.guarantee"));
    report.put("commitIntervalMs", config.streamsProperties().get("commit.interval.ms"));
    report.put("cores", Runtime.getRuntime().availableProcessors());
    report.put("vigil", vigil);
    out.printf(
        Locale.ROOT,
        "%nscale: %,d subjects, %,d events/s, heap after GC %,d MiB (JVM %,d MiB of %,d MiB),"
            + " state %,d bytes/subject, restore %.1f s to ready%n",
        n,
        vigil.get("eventsPerSecond"),
        ((Number) vigil.get("heapAfterGcBytes")).longValue() >> 20,
        ((Number) vigil.get("jvmHeapAfterGcBytes")).longValue() >> 20,
        Runtime.getRuntime().maxMemory() >> 20,
        vigil.get("stateBytesPerSubject"),
        restore.get("secondsToReady"));
    out.flush();
    return report;
  }

  private static long changelogRecords(VigilConfig config) throws Exception {
    try (Admin admin = Admin.create(config.clientProperties())) {
      List<String> changelogs =
          admin.listTopics().names().get().stream()
              .filter(t -> t.startsWith(VIGIL_ID + "-") && t.endsWith("-changelog"))
              .toList();
      Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      admin
          .describeTopics(changelogs)
          .allTopicNames()
          .get()
          .forEach(
              (name, d) ->
                  d.partitions()
                      .forEach(
                          p -> {
                            TopicPartition tp = new TopicPartition(name, p.partition());
                            earliest.put(tp, OffsetSpec.earliest());
                            latest.put(tp, OffsetSpec.latest());
                          }));
      var lo = admin.listOffsets(earliest).all().get();
      var hi = admin.listOffsets(latest).all().get();
      long sum = 0;
      for (var e : hi.entrySet()) {
        sum += e.getValue().offset() - lo.get(e.getKey()).offset();
      }
      return sum;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Report

  @SuppressWarnings("unchecked")
  private static Map<String, Object> ratios(Map<String, Object> base, Map<String, Object> vigil) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("throughput", ratio(vigil.get("eventsPerSecond"), base.get("eventsPerSecond")));
    r.put(
        "latencyP50",
        ratio(
            ((Map<String, Object>) vigil.get("latencyMs")).get("p50"),
            ((Map<String, Object>) base.get("latencyMs")).get("p50")));
    r.put(
        "latencyP99",
        ratio(
            ((Map<String, Object>) vigil.get("latencyMs")).get("p99"),
            ((Map<String, Object>) base.get("latencyMs")).get("p99")));
    r.put(
        "cpuPerEvent",
        ratio(vigil.get("cpuSecondsPerMillionEvents"), base.get("cpuSecondsPerMillionEvents")));
    r.put("heap", ratio(vigil.get("heapAfterGcBytes"), base.get("heapAfterGcBytes")));
    return r;
  }

  private static Object ratio(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y && y.doubleValue() > 0) {
      return round(x.doubleValue() / y.doubleValue());
    }
    return null;
  }

  @SuppressWarnings("unchecked")
  private void print(Map<String, Object> report) {
    Map<String, Object> b = (Map<String, Object>) report.get("baseline");
    Map<String, Object> v = (Map<String, Object>) report.get("vigil");
    Map<String, Object> bl = (Map<String, Object>) b.get("latencyMs");
    Map<String, Object> vl = (Map<String, Object>) v.get("latencyMs");
    String row = "%-34s %16s %16s%n";
    out.printf(Locale.ROOT, "%n" + row, "", "pass-through", "vigil");
    out.printf(
        Locale.ROOT, row, "events/s (steady)", b.get("eventsPerSecond"), v.get("eventsPerSecond"));
    out.printf(
        Locale.ROOT,
        row,
        "events/s (whole replay)",
        b.get("averageEventsPerSecond"),
        v.get("averageEventsPerSecond"));
    out.printf(
        Locale.ROOT,
        row,
        "CPU s / 1M events (app threads)",
        b.get("cpuSecondsPerMillionEvents"),
        v.get("cpuSecondsPerMillionEvents"));
    for (String p : List.of("p50", "p99", "p999")) {
      out.printf(Locale.ROOT, row, "latency ms " + p, bl.get(p), vl.get(p));
    }
    Map<String, Object> bb = (Map<String, Object>) bl.get("breakdown");
    Map<String, Object> vb = (Map<String, Object>) vl.get("breakdown");
    for (String step : List.of("acked", "reachedProcessing", "outputAppended")) {
      out.printf(
          Locale.ROOT,
          row,
          "  p50 / p99 to " + step,
          fraction((Map<String, Object>) bb.get(step)),
          fraction((Map<String, Object>) vb.get(step)));
    }
    out.printf(
        Locale.ROOT,
        row,
        "latency offered load ev/s",
        bl.get("offeredEventsPerSecond"),
        vl.get("offeredEventsPerSecond"));
    out.printf(
        Locale.ROOT,
        row,
        "heap after GC MiB",
        ((Number) b.get("heapAfterGcBytes")).longValue() >> 20,
        ((Number) v.get("heapAfterGcBytes")).longValue() >> 20);
    out.printf(
        Locale.ROOT,
        row,
        "records produced / event",
        ((Map<String, Object>) b.get("producedRecords")).get("perEvent"),
        ((Map<String, Object>) v.get("producedRecords")).get("perEvent"));
    out.printf(Locale.ROOT, row, "state bytes / subject", "-", v.get("stateBytesPerSubject"));
    out.printf(
        Locale.ROOT,
        row,
        "logical state bytes / subject",
        "-",
        v.get("stateLogicalBytesPerSubject"));
    out.println("ratios (vigil / pass-through): " + report.get("ratios"));
    out.flush();
  }

  private static String fraction(Map<String, Object> percentiles) {
    return percentiles.get("p50") + " / " + percentiles.get("p99");
  }

  // ---------------------------------------------------------------------------------------------
  // Measurements

  /** Heap in use after a full collection (twice, so finalizable garbage is gone too). */
  private static long heapAfterGc() {
    System.gc();
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /**
   * Bytes held by the application's RocksDB stores, from Kafka Streams' RocksDB metrics: live SST
   * files plus memtables ({@code live-sst-files-size + cur-size-all-mem-tables}, summed over every
   * store; segmented stores report their segments together). Memtables count their allocated arena,
   * so on small inputs this is an upper bound.
   */
  private static VigilConfig vigilConfig(VigilConfig config) {
    return config
        .with("decay.interval", "5s", "by the benchmark")
        .with(
            "kafka." + StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG,
            ProcessedCounter.class.getName(),
            "by the benchmark");
  }

  /**
   * The state Vigil keeps, counted once per key: the latest key and value bytes of every key of its
   * changelog topics (what a restore rebuilds). RocksDB's own figures also count the memtables,
   * which hold every version written since the last flush. Read one partition at a time (a key
   * lives in one partition), so the benchmark's own heap holds the keys of one partition, not the
   * millions of the scale mode.
   */
  private long changelogLogicalBytes(VigilConfig config) throws Exception {
    List<TopicPartition> partitions = new ArrayList<>();
    Map<TopicPartition, Long> ends;
    try (Admin admin = Admin.create(config.clientProperties())) {
      List<String> changelogs =
          admin.listTopics().names().get().stream()
              .filter(t -> t.startsWith(VIGIL_ID + "-") && t.endsWith("-changelog"))
              .toList();
      admin
          .describeTopics(changelogs)
          .allTopicNames()
          .get()
          .forEach(
              (name, d) ->
                  d.partitions()
                      .forEach(p -> partitions.add(new TopicPartition(name, p.partition()))));
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      partitions.forEach(tp -> request.put(tp, OffsetSpec.latest()));
      ends = new HashMap<>();
      admin.listOffsets(request).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
    }
    Map<String, Object> props = new HashMap<>(config.clientProperties());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    long total = 0;
    // Millions of changelog records in the scale mode take a while to read back.
    long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      for (TopicPartition tp : partitions) {
        Map<ByteBuffer, Integer> latest = new HashMap<>();
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        while (consumer.position(tp) < ends.get(tp)) {
          if (System.nanoTime() > deadline) {
            out.println(
                "  WARNING: changelogs not read to their end within 30 minutes; the logical state"
                    + " bytes count only what was read.");
            return total + sum(latest);
          }
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            if (r.value() == null) {
              latest.remove(ByteBuffer.wrap(r.key()));
            } else {
              latest.put(ByteBuffer.wrap(r.key()), r.key().length + r.value().length);
            }
          }
        }
        total += sum(latest);
      }
    }
    return total;
  }

  private static long sum(Map<?, Integer> sizes) {
    return sizes.values().stream().mapToLong(Integer::longValue).sum();
  }

  /**
   * Records the application's producers sent while it processed the input (its producers' {@code
   * record-send-total} per topic), by kind of topic: store changelogs, repartition topics and the
   * rest (outputs, dead letters), in all and per input event.
   */
  private static Map<String, Object> producedRecords(Pipeline pipeline, long events) {
    double changelog = 0;
    double repartition = 0;
    double output = 0;
    Map<String, Double> byTopic = new java.util.TreeMap<>();
    for (var e : pipeline.streams().metrics().entrySet()) {
      String topic = e.getKey().tags().get("topic");
      if (e.getKey().group().equals("producer-topic-metrics")
          && e.getKey().name().equals("record-send-total")
          && topic != null
          && e.getValue().metricValue() instanceof Number v
          && !Double.isNaN(v.doubleValue())) {
        byTopic.merge(topic, v.doubleValue(), Double::sum);
        if (topic.endsWith("-changelog")) {
          changelog += v.doubleValue();
        } else if (topic.endsWith("-repartition")) {
          repartition += v.doubleValue();
        } else {
          output += v.doubleValue();
        }
      }
    }
    double n = Math.max(1, events);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("total", Math.round(changelog + repartition + output));
    r.put("perEvent", round((changelog + repartition + output) / n));
    r.put("changelogPerEvent", round(changelog / n));
    r.put("repartitionPerEvent", round(repartition / n));
    r.put("outputPerEvent", round(output / n));
    Map<String, Object> topics = new LinkedHashMap<>();
    byTopic.forEach((t, c) -> topics.put(t, Math.round(c)));
    r.put("byTopic", topics);
    return r;
  }

  private static long rocksDbLiveBytes(Pipeline pipeline) {
    double sum = 0;
    for (var e : pipeline.streams().metrics().entrySet()) {
      String name = e.getKey().name();
      if (e.getKey().group().equals("stream-state-metrics")
          && (name.equals("live-sst-files-size") || name.equals("cur-size-all-mem-tables"))
          && e.getValue().metricValue() instanceof Number v
          && !Double.isNaN(v.doubleValue())) {
        sum += v.doubleValue();
      }
    }
    return Math.round(sum);
  }

  private static long sstBytes(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".sst") && Files.isRegularFile(p))
          .mapToLong(p -> p.toFile().length())
          .sum();
    }
  }

  private static long size(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
