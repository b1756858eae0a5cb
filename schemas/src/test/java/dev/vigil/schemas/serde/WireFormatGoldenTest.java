package dev.vigil.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schemas.testing.FixedIdRegistry;
import dev.vigil.schemas.testing.User;
import java.util.HexFormat;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.Test;

/**
 * Golden byte vectors from the published Confluent wire format: magic byte 0, the schema id as a
 * 4-byte big-endian integer, then the Avro binary encoding (strings as zig-zag length + UTF-8, ints
 * as zig-zag varints).
 */
class WireFormatGoldenTest {

  private static final Schema PUBLISHED_USER =
      new Schema.Parser()
          .parse(
              "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"name\",\"type\":\"string\"},"
                  + "{\"name\":\"age\",\"type\":\"int\"}]}");

  @Test
  void shouldSerializeToThePublishedBytesWhenSchemaIsRegisteredAsIdOne() {
    // Given a registry that knows the user schema as id 1
    var serde = new ConfluentAvroSerde<>(new FixedIdRegistry(1, User.SCHEMA$), User.class);
    serde.configure(Map.of(), false);

    // When Ann, 30, is serialized
    byte[] bytes = serde.serializer().serialize("users", new User("Ann", 30));

    // Then the bytes are magic 0, id 1, "Ann" (length 3 -> 0x06) and 30 (zig-zag 0x3C)
    assertThat(HexFormat.ofDelimiter(" ").formatHex(bytes))
        .isEqualTo("00 00 00 00 01 06 41 6e 6e 3c");
  }

  @Test
  void shouldDecodeThePublishedBytes() {
    // Given the published bytes for Ann, 30 under schema id 1
    byte[] bytes = HexFormat.of().parseHex("00000000010641" + "6e6e3c");
    var deserializer =
        new ConfluentAvroDeserializer<>(new FixedIdRegistry(1, User.SCHEMA$), User.class);

    // When they are deserialized
    User user = deserializer.deserialize("users", bytes);

    // Then the record is Ann, 30
    assertThat(user.name()).isEqualTo("Ann");
    assertThat(user.age()).isEqualTo(30);
  }

  @Test
  void shouldEncodeTheSameAvroBodyAsThePublishedSchemaWithoutNamespace() throws Exception {
    // Given bytes written by our serializer with the namespaced test class
    var serializer =
        new ConfluentAvroSerializer<>(new FixedIdRegistry(1, User.SCHEMA$), User.class);
    byte[] bytes = serializer.serialize("users", new User("Ann", 30));

    // When the body is read with the published schema, which has no namespace
    GenericRecord record =
        new GenericDatumReader<GenericRecord>(PUBLISHED_USER)
            .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));

    // Then the values are the same, so the namespace does not change the encoding
    assertThat(record.get("name").toString()).isEqualTo("Ann");
    assertThat(record.get("age")).isEqualTo(30);
  }

  @Test
  void shouldWriteTheSchemaIdBigEndian() {
    // Given a registry that knows the schema as id 0x01020304
    var registry = new FixedIdRegistry(0x01020304, User.SCHEMA$);
    var serde = new ConfluentAvroSerde<>(registry, User.class);

    // When Ann, 30 is serialized and read back
    byte[] bytes = serde.serializer().serialize("users", new User("Ann", 30));
    User back = serde.deserializer().deserialize("users", bytes);

    // Then the id bytes are 01 02 03 04 in that order and the record survives
    assertThat(HexFormat.ofDelimiter(" ").formatHex(bytes))
        .isEqualTo("00 01 02 03 04 06 41 6e 6e 3c");
    assertThat(back.name()).isEqualTo("Ann");
    assertThat(back.age()).isEqualTo(30);
  }
}
