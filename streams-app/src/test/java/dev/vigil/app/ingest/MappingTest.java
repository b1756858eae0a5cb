package dev.vigil.app.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.app.ingest.MappingResult.Mapped;
import dev.vigil.app.ingest.MappingResult.Skipped;
import dev.vigil.schema.AuthMethod;
import dev.vigil.schema.FailureKind;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.LoginOutcome;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The mapping language: paths, constants, tables, times, conditions, reasons. */
class MappingTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String VPN =
      """
      format: acme-vpn
      timezone: Europe/Paris
      null-values: ["-"]
      tables:
        result: { ok: SUCCESS, bad_pw: FAILURE, locked: LOCKED_OUT }
        why: { bad_pw: BAD_PASSWORD, locked: LOCKED }
      rules:
        - id: noise
          when: "type == 'keepalive'"
          ignore: keepalive
        - id: login
          when: "type == 'auth'"
          signal: login
          fields:
            eventId: id
            timestamp: { first: [{ path: epoch, time: epoch-millis }, { path: local, time: "dd/MM/yyyy HH:mm:ss" }], required: true, name: time }
            subjectId: { path: "lower(user.name)", name: user.name, required: true }
            tenant: { const: acme }
            ip: { first: [client.ip, client.fallback_ip] }
            application: { concat: [gateway, pool], separator: "/" }
            authMethod: { path: method, table: { pw: PASSWORD, push: MFA_PUSH }, default: OTHER }
            outcome: { path: result, table: result, required: true }
            failureKind: { path: result, table: why }
            sourceHost: "host(client.host)"
            attributes:
              gateway: gateway
              port: "to_string(client.port)"
      otherwise: { reject: unknown-type }
      """;

  private final Mapping vpn = Mapping.parse(VPN, "test");

  private MappingResult map(String json) throws Exception {
    JsonNode node = JSON.readTree(json);
    return vpn.map(node, json);
  }

  @Test
  void shouldMapPathsTablesConcatenationFirstNonNullAndConstants() throws Exception {
    // Given a record with every kind of field
    String json =
        """
        {"type":"auth","id":"e1","epoch":1700000000123,"user":{"name":"Alice"},
         "client":{"ip":"-","fallback_ip":"198.51.100.7","host":"LAPTOP-1.corp.example","port":4433},
         "gateway":"gw1","pool":"emea","method":"push","result":"bad_pw"}
        """;

    // When it is mapped
    MappingResult result = map(json);

    // Then every field is as declared, "-" counting as absent
    assertThat(result).isInstanceOf(Mapped.class);
    Mapped m = (Mapped) result;
    LoginEvent login = (LoginEvent) m.value();
    assertThat(m.key()).isEqualTo("alice");
    assertThat(login.getEventId()).isEqualTo("e1");
    assertThat(login.getTimestamp()).isEqualTo(Instant.ofEpochMilli(1700000000123L));
    assertThat(login.getTenant()).isEqualTo("acme");
    assertThat(login.getIp()).isEqualTo("198.51.100.7");
    assertThat(login.getApplication()).isEqualTo("gw1/emea");
    assertThat(login.getAuthMethod()).isEqualTo(AuthMethod.MFA_PUSH);
    assertThat(login.getOutcome()).isEqualTo(LoginOutcome.FAILURE);
    assertThat(login.getFailureKind()).isEqualTo(FailureKind.BAD_PASSWORD);
    assertThat(login.getSourceHost()).isEqualTo("laptop-1");
    assertThat(login.getAttributes()).containsEntry("gateway", "gw1").containsEntry("port", "4433");
  }

  @Test
  void shouldReadZonelessTimesInTheMappingZoneOrAnOverride() throws Exception {
    // Given a record with only a local time stamp
    String json =
        """
        {"type":"auth","local":"15/01/2024 10:00:00","user":{"name":"bob"},"result":"ok"}
        """;

    // When it is mapped with the mapping's zone, then with another one
    LoginEvent paris = (LoginEvent) ((Mapped) map(json)).value();
    LoginEvent utc =
        (LoginEvent)
            ((Mapped) vpn.withZone(ZoneId.of("UTC")).map(JSON.readTree(json), json)).value();

    // Then Paris is UTC+1 in January, and the id is a hash of the raw record
    assertThat(paris.getTimestamp()).isEqualTo(Instant.parse("2024-01-15T09:00:00Z"));
    assertThat(utc.getTimestamp()).isEqualTo(Instant.parse("2024-01-15T10:00:00Z"));
    assertThat(paris.getEventId()).matches("acme-vpn:[0-9a-f]{32}").isEqualTo(utc.getEventId());
    assertThat(paris.getAuthMethod()).isEqualTo(AuthMethod.OTHER);
    assertThat(paris.getFailureKind()).isNull();
  }

  @Test
  void shouldGiveReasonsInsteadOfExceptions() throws Exception {
    // Given records that are ignored, incomplete, wrongly timed or of no known type
    // When they are mapped
    // Then each gets a reason
    assertThat(map("{\"type\":\"keepalive\"}"))
        .isEqualTo(new Skipped("keepalive", false, "Ignored: keepalive"));
    assertThat(map("{\"type\":\"auth\",\"epoch\":1,\"result\":\"ok\"}"))
        .extracting(r -> ((Skipped) r).reason())
        .isEqualTo("missing-field:user.name");
    assertThat(
            map(
                "{\"type\":\"auth\",\"local\":\"31/02/2024 10:00:00\",\"user\":{\"name\":\"x\"},\"result\":\"ok\"}"))
        .extracting(r -> ((Skipped) r).reason())
        .isEqualTo("bad-timestamp");
    assertThat(
            map("{\"type\":\"auth\",\"epoch\":1,\"user\":{\"name\":\"x\"},\"result\":\"maybe\"}"))
        .extracting(r -> ((Skipped) r).reason())
        .isEqualTo("missing-field:result");
    assertThat(map("{\"type\":\"other\"}"))
        .extracting(r -> ((Skipped) r).reason(), r -> ((Skipped) r).rejected())
        .containsExactly("unknown-type", true);
    assertThat(map("[1,2]")).extracting(r -> ((Skipped) r).reason()).isEqualTo("not-an-object");
  }

  @Test
  void shouldRefuseMappingMistakesInOneSentenceNamingThePlace() {
    // Given mappings with an unknown field, signal, table and a bad expression
    // When they are parsed
    // Then the message names the place
    assertThatThrownBy(
            () -> Mapping.parse("rules: [{signal: login, fields: {user: name}}]", "m.yaml"))
        .isInstanceOf(MappingException.class)
        .hasMessageStartingWith(
            "Mapping m.yaml: unknown field 'user' at rules[0] (rule 1).fields for signal login;");
    assertThatThrownBy(() -> Mapping.parse("rules: [{signal: logins}]", "m.yaml"))
        .hasMessageStartingWith(
            "Mapping m.yaml: unknown signal 'logins' at rules[0] (rule 1).signal;");
    assertThatThrownBy(
            () ->
                Mapping.parse(
                    "rules: [{signal: login, fields: {ip: {path: a, table: nope}}}]", "m.yaml"))
        .hasMessage(
            "Mapping m.yaml: Unknown table 'nope' at rules[0] (rule 1).fields.ip; declare it under 'tables'.");
    assertThatThrownBy(() -> Mapping.parse("rules: [{when: 'a ==', ignore: x}]", "m.yaml"))
        .hasMessageStartingWith(
            "Mapping m.yaml: Invalid JMESPath expression 'a ==' at rules[0] (rule 1).when:");
  }

  @Test
  void shouldReadIsoEpochAndPatternTimes() {
    // Given the time formats
    ZoneId ny = ZoneId.of("America/New_York");
    // When values are parsed
    // Then zones and units are honoured
    assertThat(TimeFormat.of("iso").parse(text("2020-09-22T02:39:14.736Z"), ny))
        .isEqualTo(Instant.parse("2020-09-22T02:39:14.736Z"));
    assertThat(TimeFormat.of("iso").parse(text("2020-09-21 22:39:13"), ny))
        .isEqualTo(Instant.parse("2020-09-22T02:39:13Z"));
    assertThat(TimeFormat.of("iso").parse(text("2019-03-12T16:02:15.5522137+00:00"), ny))
        .isEqualTo(Instant.parse("2019-03-12T16:02:15.5522137Z"));
    assertThat(
            TimeFormat.of("epoch").parse(JSON.getNodeFactory().numberNode(1664462456.755299), ny))
        .isEqualTo(Instant.parse("2022-09-29T14:40:56.755Z"));
    assertThat(TimeFormat.of("epoch").parse(JSON.getNodeFactory().numberNode(1699633474000L), ny))
        .isEqualTo(Instant.parse("2023-11-10T16:24:34Z"));
    assertThat(TimeFormat.of("dd/MM/yyyy HH:mm").parse(text("01/02/2024 10:00"), ny))
        .isEqualTo(Instant.parse("2024-02-01T15:00:00Z"));
    assertThat(TimeFormat.of("epoch-seconds").parse(text("19.981745"), ny))
        .isEqualTo(Instant.parse("1970-01-01T00:00:19.981Z"));
    assertThatThrownBy(() -> TimeFormat.of("iso").parse(text("2017-09-31T22:23:07.777Z"), ny))
        .isInstanceOf(java.time.DateTimeException.class);
  }

  private static JsonNode text(String s) {
    return JSON.getNodeFactory().textNode(s);
  }
}
