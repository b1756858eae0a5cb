package dev.vigil.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.app.VigilApplication;
import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.ingest.Formats;
import dev.vigil.app.ingest.IngestStats;
import dev.vigil.app.ingest.Ingestor;
import dev.vigil.app.ingest.Mapping;
import dev.vigil.app.ingest.MappingException;
import dev.vigil.app.ingest.MappingResult;
import dev.vigil.app.ingest.MappingResult.Mapped;
import dev.vigil.app.ingest.MappingResult.Skipped;
import dev.vigil.app.ingest.SignalJson;
import dev.vigil.app.ingest.SignalType;
import dev.vigil.app.topology.TimestampBounds;
import dev.vigil.risk.detect.Durations;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code vigil ingest}: maps log records in a built-in format or with a mapping file to Vigil's
 * typed signals and produces them to the signal topics, or prints them with {@code --dry-run}. Exit
 * codes: 0 every record mapped or deliberately ignored, 3 some records rejected (missing or
 * malformed data), 2 usage mistake, 1 failure (unreadable input, Kafka).
 */
@Command(
    name = "ingest",
    description = {
      "Map log records to Vigil's typed signals and produce them (or print them with --dry-run).",
      "Exit codes: 0 all records mapped or ignored, 3 some records rejected, 2 usage, 1 failure."
    })
public final class IngestCommand implements Callable<Integer> {

  /** Exit code when at least one record was rejected. */
  public static final int REJECTED = 3;

  /** Reason of a signal not produced because the pipeline would reject its event time. */
  public static final String OUT_OF_RANGE = "timestamp-out-of-range";

  private static final ObjectMapper JSON = new ObjectMapper();

  @ParentCommand VigilCli root;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  /** Exactly one of a built-in format and a mapping file. */
  static final class Source {
    @Option(
        names = "--format",
        paramLabel = "FORMAT",
        description =
            "Built-in format: windows-security, okta, entra-signin, zeek-conn, ocsf, cloudtrail.")
    String format;

    @Option(names = "--mapping", paramLabel = "FILE", description = "A YAML mapping file.")
    Path mapping;
  }

  @Option(
      names = "--dry-run",
      description = "Print one JSON object per signal instead of producing.")
  boolean dryRun;

  @Option(
      names = "--timezone",
      paramLabel = "ZONE",
      description =
          "Zone of time stamps without one, e.g. UTC or America/New_York; default: the mapping's.")
  String timezone;

  @Option(
      names = "--rebase-time",
      description = "Shift every event so that the last one is now, keeping relative times.")
  boolean rebaseTime;

  @Option(
      names = "--errors",
      paramLabel = "FILE",
      description = "Write rejected records with their reasons here (JSON lines).")
  Path errorsFile;

  @Option(
      names = "--progress-interval",
      paramLabel = "DURATION",
      converter = ProgressIntervalConverter.class,
      description = "How often progress is reported on standard error; default: 5s; 0 for never.")
  Duration progressInterval = Duration.ofSeconds(5);

  @Parameters(
      paramLabel = "FILE",
      arity = "0..*",
      description = "Files to read; '-' or none for standard input.")
  List<String> files = new ArrayList<>();

  /** Creates the command. */
  public IngestCommand() {}

  @Override
  public Integer call() {
    Mapping mapping = mapping();
    List<String> inputs = inputs();
    if (errorsFile != null) {
      Path parent = errorsFile.toAbsolutePath().getParent();
      if (parent != null && !Files.isDirectory(parent)) {
        throw usage("The folder of --errors " + errorsFile + " does not exist.");
      }
    }
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    IngestStats stats = new IngestStats();
    long started = System.nanoTime();
    VigilConfig config = dryRun ? null : root.config();
    // The pipeline sends an event time outside these bounds to the dead-letter topic; such a
    // signal is not produced but counted as rejected, with a hint, so nothing vanishes silently.
    TimestampBounds bounds =
        config == null
            ? null
            : new TimestampBounds(
                config.get(Settings.TIMESTAMP_MAX_FUTURE_SKEW),
                config.get(Settings.TIMESTAMP_MAX_AGE));
    try (Sink sink = dryRun ? new PrintSink(out) : new KafkaSink(config);
        Writer errors = errorsFile == null ? null : Files.newBufferedWriter(errorsFile)) {
      Consumer<Mapped> target = sink;
      List<Mapped> buffered = new ArrayList<>();
      if (rebaseTime) {
        target = buffered::add; // The shift is known only after the last record.
      }
      Ingestor ingestor = new Ingestor(mapping);
      for (String input : inputs) {
        read(input, ingestor, stats, target, errors, err, rebaseTime ? null : bounds);
      }
      if (rebaseTime) {
        for (Mapped m : rebase(buffered, Instant.now())) {
          Optional<Skipped> late = outOfRange(m, bounds);
          if (late.isPresent()) {
            stats.reclassify(m, late.get());
            if (errors != null) {
              writeError(errors, "rebased signals", late.get(), SignalJson.of(m).toString());
            }
          } else {
            sink.accept(m);
          }
        }
      }
      sink.finish();
    } catch (IOException e) {
      throw new CliFailure(VigilCli.FAILED, "Cannot write " + errorsFile + ": " + e.getMessage());
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    List<String> report = stats.report();
    err.println(
        report.get(0).replaceAll("\\.$", "")
            + String.format(java.util.Locale.ROOT, " in %.2f s.", seconds));
    report.subList(1, report.size()).forEach(err::println);
    Long late = stats.rejected().get(OUT_OF_RANGE);
    if (late != null) {
      err.println(
          late
              + " signal(s) were not produced: their event times are outside what the pipeline"
              + " accepts (timestamp.max.age "
              + Durations.format(config.get(Settings.TIMESTAMP_MAX_AGE))
              + " before now, timestamp.max.future.skew "
              + Durations.format(config.get(Settings.TIMESTAMP_MAX_FUTURE_SKEW))
              + " ahead); replay a recorded file with --rebase-time, or raise timestamp.max.age"
              + " for this command and the pipeline alike.");
    }
    err.flush();
    return stats.rejectedCount() > 0 ? REJECTED : VigilCli.OK;
  }

  private Mapping mapping() {
    Mapping mapping;
    try {
      if (source.format != null) {
        mapping = Formats.get(source.format.strip());
      } else {
        if (!Files.isRegularFile(source.mapping)) {
          throw usage("Mapping file " + source.mapping + " does not exist.");
        }
        mapping = Mapping.load(source.mapping);
      }
    } catch (MappingException e) {
      throw usage(e.getMessage());
    }
    if (timezone != null) {
      try {
        mapping = mapping.withZone(ZoneId.of(timezone.strip()));
      } catch (DateTimeException e) {
        throw usage(
            "Unknown time zone '" + timezone + "' for --timezone; use e.g. UTC or Europe/Paris.");
      }
    }
    if (progressInterval.isNegative()) {
      throw usage("--progress-interval must not be negative.");
    }
    return mapping;
  }

  private List<String> inputs() {
    List<String> inputs = files.isEmpty() ? List.of("-") : files;
    for (String f : inputs) {
      if (!f.equals("-") && !Files.isRegularFile(Path.of(f))) {
        throw usage("Input file " + f + " does not exist.");
      }
      if (!f.equals("-") && !Files.isReadable(Path.of(f))) {
        throw usage("Input file " + f + " cannot be read.");
      }
    }
    if (inputs.stream().filter("-"::equals).count() > 1) {
      throw usage("Standard input ('-') can be read only once.");
    }
    return inputs;
  }

  private static CliFailure usage(String message) {
    return new CliFailure(VigilCli.USAGE, message);
  }

  private void read(
      String input,
      Ingestor ingestor,
      IngestStats stats,
      Consumer<Mapped> target,
      Writer errors,
      PrintWriter err,
      TimestampBounds bounds) {
    String name = input.equals("-") ? "standard input" : input;
    long interval = progressInterval.toNanos();
    long[] next = {System.nanoTime() + interval};
    long[] count = {0};
    try (Reader in =
        input.equals("-")
            ? new InputStreamReader(System.in, StandardCharsets.UTF_8)
            : Files.newBufferedReader(Path.of(input), StandardCharsets.UTF_8)) {
      ingestor.ingest(
          in,
          (mapped, raw) -> {
            MappingResult result = mapped;
            if (mapped instanceof Mapped signal && bounds != null) {
              result = outOfRange(signal, bounds).<MappingResult>map(x -> x).orElse(signal);
            }
            stats.add(result);
            count[0]++;
            if (result instanceof Mapped m) {
              target.accept(m);
            } else if (result instanceof Skipped s && s.rejected() && errors != null) {
              writeError(errors, name, s, raw);
            }
            if (interval > 0 && System.nanoTime() >= next[0]) {
              next[0] = System.nanoTime() + interval;
              err.println(
                  "… "
                      + count[0]
                      + " records read from "
                      + name
                      + " ("
                      + stats.mappedCount()
                      + " mapped so far).");
              err.flush();
            }
          });
    } catch (IOException e) {
      throw new CliFailure(VigilCli.FAILED, "Cannot read " + name + ": " + e.getMessage());
    } catch (UncheckedIOException e) {
      throw new CliFailure(
          VigilCli.FAILED, "Cannot write " + errorsFile + ": " + e.getCause().getMessage());
    }
  }

  /** A rejection when the pipeline would send this signal to the dead-letter topic. */
  private static Optional<Skipped> outOfRange(Mapped m, TimestampBounds bounds) {
    if (bounds == null || !(m.value().get("timestamp") instanceof Instant time)) {
      return Optional.empty();
    }
    return bounds
        .problem("event time", time, System.currentTimeMillis())
        .map(p -> new Skipped(OUT_OF_RANGE, true, p + "; the pipeline would reject it."));
  }

  private static void writeError(Writer errors, String source, Skipped s, String raw) {
    ObjectNode o = JSON.createObjectNode();
    o.put("source", source);
    o.put("reason", s.reason());
    o.put("detail", s.detail());
    o.put("record", raw);
    try {
      errors.write(o.toString());
      errors.write('\n');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The signals shifted so that the latest event time is {@code now}; every timestamp field moves
   * by the same amount, so relative times are kept.
   */
  static List<Mapped> rebase(List<Mapped> signals, Instant now) {
    Instant latest = null;
    for (Mapped m : signals) {
      Instant t = (Instant) m.value().get("timestamp");
      if (t != null && (latest == null || t.isAfter(latest))) {
        latest = t;
      }
    }
    if (latest == null) {
      return signals;
    }
    Duration shift = Duration.between(latest, now);
    for (Mapped m : signals) {
      SpecificRecordBase r = m.value();
      for (Schema.Field f : r.getSchema().getFields()) {
        if (r.get(f.pos()) instanceof Instant t && isTimestamp(f.schema())) {
          r.put(f.pos(), t.plus(shift));
        }
      }
    }
    return signals;
  }

  private static boolean isTimestamp(Schema s) {
    if (s.getType() == Schema.Type.UNION) {
      return s.getTypes().stream().anyMatch(IngestCommand::isTimestamp);
    }
    return s.getLogicalType() instanceof LogicalTypes.TimestampMillis;
  }

  /** A {@link DurationConverter} duration, or {@code 0} (any zero duration) for never. */
  static final class ProgressIntervalConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String v = value.strip();
      if (v.matches("0+(ms|s|m|h|d)?")) {
        return Duration.ZERO;
      }
      return new DurationConverter().convert(v);
    }
  }

  /** Where mapped signals go. */
  private interface Sink extends Consumer<Mapped>, AutoCloseable {
    /** Everything accepted is delivered when this returns. */
    void finish();

    @Override
    void close();
  }

  /** {@code --dry-run}: one JSON object per signal on standard output. */
  private static final class PrintSink implements Sink {
    private final PrintWriter out;

    PrintSink(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void accept(Mapped m) {
      out.println(SignalJson.of(m).toString());
    }

    @Override
    public void finish() {
      out.flush();
    }

    @Override
    public void close() {
      out.flush();
    }
  }

  /** Produces each signal to its typed topic with the registry-bound serdes. */
  private static final class KafkaSink implements Sink {
    private final KafkaProducer<byte[], byte[]> producer;
    private final Map<SignalType, Topic<String, ? extends SpecificRecordBase>> topics =
        new EnumMap<>(SignalType.class);
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final String bootstrap;

    KafkaSink(VigilConfig config) {
      Topics t = VigilApplication.topics(config);
      topics.put(SignalType.LOGIN, t.login());
      topics.put(SignalType.ACCESS, t.access());
      topics.put(SignalType.NETWORK_FLOW, t.networkFlow());
      topics.put(SignalType.DEVICE_POSTURE, t.devicePosture());
      topics.put(SignalType.EXTERNAL, t.external());
      bootstrap = config.bootstrapServers();
      Map<String, Object> props = new HashMap<>(config.clientProperties());
      props.put(ProducerConfig.ACKS_CONFIG, "all");
      props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 20);
      props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
      props.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
      props.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
      producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    @SuppressWarnings("unchecked")
    public void accept(Mapped m) {
      check();
      Topic<String, SpecificRecordBase> topic =
          (Topic<String, SpecificRecordBase>) topics.get(m.signal());
      byte[] key = topic.keySerde().serializer().serialize(topic.name(), m.key());
      byte[] value = topic.valueSerde().serializer().serialize(topic.name(), m.value());
      Instant time = (Instant) m.value().get("timestamp");
      producer.send(
          new ProducerRecord<>(topic.name(), null, time.toEpochMilli(), key, value),
          (meta, e) -> {
            if (e != null) {
              failure.compareAndSet(null, e);
            }
          });
    }

    private void check() {
      Exception e = failure.get();
      if (e != null) {
        throw new CliFailure(
            VigilCli.FAILED, "Producing to Kafka at " + bootstrap + " failed: " + e.getMessage());
      }
    }

    @Override
    public void finish() {
      producer.flush();
      check();
    }

    @Override
    public void close() {
      producer.close(Duration.ofSeconds(10));
    }
  }
}
