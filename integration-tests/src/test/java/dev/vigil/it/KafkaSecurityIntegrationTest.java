package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.vigil.app.VigilApplication;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.topics.AclSet;
import dev.vigil.app.topics.TopicAdmin;
import dev.vigil.dev.registry.InProcessSchemaRegistry;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.RiskAlert;
import dev.vigil.schemas.topic.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vigil on a broker that authenticates (SASL SCRAM-SHA-512) and authorizes ({@code
 * StandardAuthorizer}, nothing allowed without an ACL): the pipeline works with exactly the ACL set
 * documented in {@code docs/security.md}, and fails closed with one sentence when one is missing.
 */
@Tag("integration")
@Timeout(240)
class KafkaSecurityIntegrationTest {

  private static final String ADMIN = "plain-admin";
  private static final String ADMIN_PASSWORD = "plain-admin-secret";
  private static final String VIGIL = "vigil-svc";
  private static final String VIGIL_PASSWORD = "vigil-svc-password-1";
  private static KafkaClusterTestKit cluster;
  private static InProcessSchemaRegistry registry;

  @TempDir Path stateDir;

  @BeforeAll
  static void startSecuredBroker() throws Exception {
    TestKitNodes nodes =
        new TestKitNodes.Builder()
            .setCombined(true)
            .setNumBrokerNodes(1)
            .setNumControllerNodes(1)
            .setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
            .setControllerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
            .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
            .build();
    KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
    KafkaBrokers.SINGLE_NODE.forEach(builder::setConfigProp);
    // The test kit brings PLAIN for its admin and the StandardAuthorizer; SCRAM is added for Vigil.
    builder.setConfigProp("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-512");
    builder.setConfigProp(
        "listener.name.external.scram-sha-512.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    cluster = builder.build();
    cluster.format();
    cluster.startup();
    cluster.waitForReadyBrokers();
    registry = InProcessSchemaRegistry.start(0);
    try (Admin admin = Admin.create(adminProperties())) {
      admin
          .alterUserScramCredentials(
              List.of(
                  new UserScramCredentialUpsertion(
                      VIGIL,
                      new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096),
                      VIGIL_PASSWORD)))
          .all()
          .get();
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (registry != null) {
      registry.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private static Map<String, Object> adminProperties() {
    Map<String, Object> p = new HashMap<>();
    p.put("bootstrap.servers", cluster.bootstrapServers());
    p.put("security.protocol", "SASL_PLAINTEXT");
    p.put("sasl.mechanism", "PLAIN");
    p.put(
        "sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
            + ADMIN
            + "\" password=\""
            + ADMIN_PASSWORD
            + "\";");
    return p;
  }

  /** Vigil's configuration as an operator writes it: SCRAM through the kafka.* pass-through. */
  private VigilConfig vigilConfig(String unique) {
    return VigilConfig.defaults()
        .with("bootstrap.servers", cluster.bootstrapServers(), "test")
        .with("replication.factor", "1", "test")
        .with("schema.registry.url", registry.url(), "test")
        .with("topic.prefix", "sec" + unique, "test")
        .with("application.id", "vigil-sec-" + unique, "test")
        .with("state.dir", stateDir.resolve(unique).toString(), "test")
        .with("commit.interval.ms", "100", "test")
        .with("http.port", "-1", "test")
        .with("decay.interval", "5s", "test")
        .with("kafka.security.protocol", "SASL_PLAINTEXT", "test")
        .with("kafka.sasl.mechanism", "SCRAM-SHA-512", "test")
        .with(
            "kafka.sasl.jaas.config",
            "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + VIGIL
                + "\" password=\""
                + VIGIL_PASSWORD
                + "\";",
            "test");
  }

  private static Topics prepare(VigilConfig config, List<AclBinding> acls) throws Exception {
    Map<String, Object> admin = new HashMap<>(config.clientProperties());
    admin.putAll(adminProperties());
    Topics topics = VigilApplication.topics(config);
    try (TopicAdmin topicAdmin = new TopicAdmin(admin, Duration.ofSeconds(30));
        Admin raw = Admin.create(admin)) {
      topicAdmin.createAll(topics, 2, (short) 1);
      raw.createAcls(acls).all().get();
      // ACLs reach the broker's authorizer through the metadata log, after createAcls returns.
      await()
          .alias("the broker to enforce the new ACLs")
          .atMost(Duration.ofSeconds(30))
          .until(() -> raw.describeAcls(AclBindingFilter.ANY).values().get().containsAll(acls));
    }
    return topics;
  }

  @Test
  void shouldRunWithExactlyTheDocumentedAcls() throws Exception {
    // Given Vigil's principal holds exactly the documented ACLs, and the docs list each command
    String unique = UUID.randomUUID().toString().substring(0, 8);
    VigilConfig config = vigilConfig(unique);
    List<AclBinding> acls =
        AclSet.forVigil("User:" + VIGIL, config.topicPrefix(), config.applicationId());
    String docs = Files.readString(Path.of("..", "docs", "security.md"));
    List<String> documented =
        AclSet.forVigil("User:vigil", "vigil", "vigil").stream().map(AclSet::command).toList();
    assertThat(docs).contains(documented);
    Topics topics = prepare(config, acls);

    // When it starts and an account is taken over
    try (VigilApplication app = new VigilApplication(config)) {
      app.start(Duration.ofSeconds(120));
      Instant t0 = Instant.now().minus(Duration.ofHours(1));
      Map<String, Object> admin = adminProperties();
      try (KafkaProducer<String, LoginEvent> producer =
          new KafkaProducer<>(
              admin,
              topics.login().keySerde().serializer(),
              topics.login().valueSerde().serializer())) {
        for (LoginEvent e :
            List.of(
                PipelineIntegrationTest.login(
                    "s-1", "dave@corp.example", t0, PipelineIntegrationTest.berlin(), "sess-1"),
                PipelineIntegrationTest.login(
                    "s-2",
                    "dave@corp.example",
                    t0.plusSeconds(35 * 60),
                    PipelineIntegrationTest.sydney(),
                    "sess-2"))) {
          producer
              .send(
                  new ProducerRecord<>(
                      topics.login().name(),
                      null,
                      e.getTimestamp().toEpochMilli(),
                      e.getSubjectId(),
                      e))
              .get();
        }
      }

      // Then the alert comes out, written under Vigil's own least-privilege principal
      Map<String, Object> consumerConfig = new HashMap<>(admin);
      consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "sec-reader-" + unique);
      consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      List<ConsumerRecord<String, RiskAlert>> alerts = new ArrayList<>();
      try (KafkaConsumer<String, RiskAlert> consumer =
          new KafkaConsumer<>(
              consumerConfig,
              topics.alerts().keySerde().deserializer(),
              topics.alerts().valueSerde().deserializer())) {
        consumer.subscribe(List.of(topics.alerts().name()));
        await()
            .alias("an alert for dave from the ACL-limited pipeline")
            .atMost(Duration.ofSeconds(90))
            .until(
                () -> {
                  consumer.poll(Duration.ofMillis(200)).forEach(alerts::add);
                  return alerts.stream().anyMatch(r -> r.key().equals("dave@corp.example"));
                });
      }
      assertThat(app.pipeline().streams().state().isRunningOrRebalancing()).isTrue();
    }
  }

  @Test
  void shouldFailClosedWithOneSentenceWhenTheGroupAclIsMissing() throws Exception {
    // Given every documented ACL but READ on the consumer group
    String unique = UUID.randomUUID().toString().substring(0, 8);
    VigilConfig config = vigilConfig(unique);
    List<AclBinding> acls =
        AclSet.forVigil("User:" + VIGIL, config.topicPrefix(), config.applicationId()).stream()
            .filter(
                a ->
                    !(a.pattern().resourceType() == ResourceType.GROUP
                        && a.entry().operation() == AclOperation.READ))
            .toList();
    prepare(config, acls);

    // When it starts / Then it stops with one sentence naming the refusal and the fix
    try (VigilApplication app = new VigilApplication(config)) {
      assertThatThrownBy(() -> app.start(Duration.ofSeconds(120)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("Kafka refused Vigil's principal (GroupAuthorizationException")
          .hasMessageEndingWith("grant the ACLs listed in docs/security.md and restart.");
    }
  }
}
