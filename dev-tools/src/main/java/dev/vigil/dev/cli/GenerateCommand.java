package dev.vigil.dev.cli;

import dev.vigil.app.VigilApplication;
import dev.vigil.app.cli.CliFailure;
import dev.vigil.app.cli.VigilCli;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.dev.demo.GeneratedEventSender;
import dev.vigil.dev.demo.generator.GeneratedEvent;
import dev.vigil.dev.demo.generator.GeneratorSettings;
import dev.vigil.dev.demo.generator.TrafficGenerator;
import dev.vigil.schemas.topic.Topics;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vigil generate}: synthetic users, workloads and attacks sent to the configured cluster at
 * a steady rate, stamped with the current time, until stopped (or for {@code --duration}).
 */
@Command(
    name = "generate",
    description =
        "Send synthetic traffic with attacks to the configured cluster's signal topics, stamped"
            + " with the current time, until stopped.")
public final class GenerateCommand implements Callable<Integer> {

  @picocli.CommandLine.ParentCommand VigilCli root;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--rate",
      paramLabel = "N",
      defaultValue = "50",
      description = "Benign events per second (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--users",
      paramLabel = "N",
      defaultValue = "300",
      description = "Simulated human users, at least 50 (default: ${DEFAULT-VALUE}).")
  int users;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "42",
      description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--duration",
      paramLabel = "SECONDS",
      defaultValue = "0",
      description = "Stop after this many seconds; 0 runs until stopped (default).")
  long durationSeconds;

  /** Creates the command. */
  public GenerateCommand() {}

  @Override
  public Integer call() throws Exception {
    if (!(rate > 0) || rate > 100_000) {
      throw new CliFailure(VigilCli.USAGE, "--rate must be between 0 (exclusive) and 100000.");
    }
    if (users < 50) {
      throw new CliFailure(VigilCli.USAGE, "--users must be at least 50.");
    }
    VigilConfig config = root.config();
    Topics topics = VigilApplication.topics(config);
    Clock clock = Clock.systemUTC();
    Instant start = clock.instant();
    TrafficGenerator generator =
        new TrafficGenerator(
            new GeneratorSettings(
                seed,
                users,
                GeneratorSettings.DEFAULT_WORKLOADS,
                start,
                rate,
                Duration.ofSeconds(10),
                Duration.ofSeconds(30)));
    PrintWriter out = spec.commandLine().getOut();
    CountDownLatch stop = new CountDownLatch(1);
    Thread hook = new Thread(stop::countDown, "vigil-generate-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    Map<String, Object> producerConfig = new HashMap<>(config.clientProperties());
    producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    long sent = 0;
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer())) {
      GeneratedEventSender sender = new GeneratedEventSender(producer, topics);
      sender.send(generator.referenceData().stream());
      out.printf(
          "Generating %.0f events/s for %d users to %s; Ctrl-C stops.%n",
          rate, users, config.bootstrapServers());
      out.flush();
      Instant end = durationSeconds > 0 ? start.plusSeconds(durationSeconds) : Instant.MAX;
      Instant nextReport = start.plusSeconds(10);
      while (!stop.await(200, TimeUnit.MILLISECONDS)) {
        Instant now = clock.instant();
        List<GeneratedEvent> batch = generator.nextBatchUntil(now.isAfter(end) ? end : now);
        sent += sender.send(batch.stream());
        if (!now.isBefore(nextReport)) {
          out.printf("%d events sent.%n", sent);
          out.flush();
          nextReport = now.plusSeconds(10);
        }
        if (!now.isBefore(end)) {
          break;
        }
      }
      producer.flush();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // Already shutting down: the hook has run.
      }
    }
    out.printf("%d events sent.%n", sent);
    return VigilCli.OK;
  }
}
