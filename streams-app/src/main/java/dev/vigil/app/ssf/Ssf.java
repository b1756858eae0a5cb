package dev.vigil.app.ssf;

import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.enforcement.SetSigner;
import dev.vigil.schema.ExternalSignal;
import dev.vigil.schemas.topic.Topics;
import io.javalin.Javalin;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assembles Vigil's SSF transmitter and receiver from configuration, on Kafka: stream
 * configurations in the compacted {@code ssf.streams} topic, poll positions in {@code
 * ssf.positions}, push positions as consumer-group offsets, received signals on the external
 * signals topic. {@link #routes()} is the one hook the HTTP API needs.
 */
public final class Ssf implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Ssf.class);

  private final KafkaJsonTable streams;
  private final KafkaJsonTable positions;
  private final KafkaSetLog log;
  private final SsfTransmitter transmitter;
  private final PushSupervisor push;
  private final KafkaProducer<String, ExternalSignal> signals;
  private final SsfReceiver receiver;
  private final SsfPoller poller;
  private final SsfRoutes routes;

  private Ssf(VigilConfig config, Topics topics, SetSigner signer, SsfAuthorizer authorizer) {
    Map<String, Object> client = config.clientProperties();
    Duration wait = Duration.ofSeconds(30);
    Clock clock = Clock.systemUTC();
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    String issuer = config.get(Settings.SETS_ISSUER);
    streams = new KafkaJsonTable(client, topics.ssfStreams(), wait);
    positions = new KafkaJsonTable(client, topics.ssfPositions(), wait);
    log = new KafkaSetLog(client, topics.sets());
    SsfEvents events =
        new SsfEvents(
            issuer, signer, clock, "all".equals(config.get(Settings.SSF_DEFAULT_SUBJECTS)));
    PushDelivery delivery =
        new PushDelivery(
            http,
            config.get(Settings.SSF_PUSH_MAX_RETRIES),
            Duration.ofMillis(config.get(Settings.SSF_PUSH_BACKOFF_MS)));
    PollService poll = new PollService(positions, log, events, Duration.ofSeconds(10));
    transmitter = new SsfTransmitter(streams, events, poll, delivery, clock);
    push =
        new PushSupervisor(
            client,
            topics.sets(),
            config.applicationId(),
            events,
            delivery,
            (id, reason) -> transmitter.changeStatusByTransmitter(id, SsfStream.PAUSED, reason));
    transmitter.onStreamChange(push::apply);

    Map<String, Object> p = new HashMap<>(client);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    signals =
        new KafkaProducer<>(
            p,
            topics.external().keySerde().serializer(),
            topics.external().valueSerde().serializer());
    String audience = config.get(Settings.SSF_RECEIVER_AUDIENCE);
    receiver =
        new SsfReceiver(
            SsfReceiver.parseIssuers(config.get(Settings.SSF_RECEIVER_ISSUERS)),
            audience.isBlank() ? issuer : audience,
            s ->
                signals
                    .send(new ProducerRecord<>(topics.external().name(), s.getSubjectId(), s))
                    .get(10, TimeUnit.SECONDS),
            http,
            clock);
    String pollUrl = config.get(Settings.SSF_RECEIVER_POLL_URL);
    if (pollUrl.isBlank()) {
      poller = null;
    } else {
      poller = new SsfPoller(pollUrl, config.get(Settings.SSF_RECEIVER_POLL_TOKEN), receiver, http);
      poller.start();
    }
    String devToken = config.get(Settings.SSF_DEV_TOKEN);
    SsfAuthorizer auth = authorizer;
    if (auth == null) {
      if (devToken.isBlank()) {
        auth = SsfAuthorizer.denyAll();
      } else {
        LOG.warn("SSF management uses the development token (ssf.dev.token); not for production.");
        auth = StaticTokenSsfAuthorizer.single(devToken);
      }
    }
    routes =
        new SsfRoutes(
            transmitter,
            receiver,
            auth,
            config.get(Settings.SSF_BASE_URL),
            config.get(Settings.SSF_RECEIVER_PUSH_TOKEN));
  }

  /**
   * Starts the transmitter and receiver.
   *
   * @param config the configuration
   * @param topics the topics (the SSF topics must exist)
   * @param signer the SET signing key, the one the JWKS publishes
   * @param authorizer who may manage streams; null uses {@code ssf.dev.token} if set, else refuses
   *     every management call
   * @return the running SSF services
   */
  public static Ssf start(
      VigilConfig config, Topics topics, SetSigner signer, SsfAuthorizer authorizer) {
    return new Ssf(config, topics, signer, authorizer);
  }

  /** Registers the SSF routes on the HTTP API. */
  public Consumer<Javalin> routes() {
    return routes;
  }

  /** The transmitter. */
  public SsfTransmitter transmitter() {
    return transmitter;
  }

  @Override
  public void close() {
    if (poller != null) {
      poller.close();
    }
    push.close();
    transmitter.close();
    log.close();
    streams.close();
    positions.close();
    signals.close(Duration.ofSeconds(5));
  }
}
