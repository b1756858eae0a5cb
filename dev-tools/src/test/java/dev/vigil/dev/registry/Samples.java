package dev.vigil.dev.registry;

import dev.vigil.schema.AuthMethod;
import dev.vigil.schema.Geo;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.LoginOutcome;
import dev.vigil.schema.SubjectType;
import dev.vigil.schema.UserAgent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/** Sample records and raw wire-format helpers shared by tests. */
public final class Samples {

  private Samples() {}

  /** A successful sign-in with geo, user agent and timestamps. */
  public static LoginEvent login(String eventId) {
    return LoginEvent.newBuilder()
        .setEventId(eventId)
        .setTimestamp(Instant.parse("2025-03-01T08:15:30.123Z"))
        .setSubjectId("alice@example.com")
        .setSubjectType(SubjectType.HUMAN)
        .setTenant("acme")
        .setApplication("payroll")
        .setSessionId("s-1")
        .setSessionExpiresAt(Instant.parse("2025-03-01T16:15:30Z"))
        .setDeviceId("laptop-42")
        .setIp("203.0.113.7")
        .setGeo(
            Geo.newBuilder()
                .setCountry("NL")
                .setCity("Amsterdam")
                .setLatitude(52.37)
                .setLongitude(4.89)
                .setAsn(64496L)
                .setAsOrg("Example Net")
                .build())
        .setUserAgent(
            UserAgent.newBuilder()
                .setRaw("Mozilla/5.0")
                .setBrowser("Firefox")
                .setOs("Linux")
                .setDeviceType("desktop")
                .build())
        .setAuthMethod(AuthMethod.WEBAUTHN)
        .setOutcome(LoginOutcome.SUCCESS)
        .setAttributes(Map.of("idp", "okta"))
        .build();
  }

  /** Encodes a generic record in the Confluent wire format under a schema id. */
  public static byte[] wire(int id, Schema schema, GenericRecord record) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(ByteBuffer.allocate(5).put((byte) 0).putInt(id).array());
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
      new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
      encoder.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
