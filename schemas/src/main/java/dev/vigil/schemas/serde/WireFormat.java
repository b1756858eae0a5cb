package dev.vigil.schemas.serde;

/** Constants of the Confluent wire format: magic byte 0, 4-byte big-endian schema id, Avro. */
final class WireFormat {

  static final byte MAGIC_BYTE = 0;
  static final int HEADER_SIZE = 5;

  private WireFormat() {}

  static String subject(String topic, boolean isKey) {
    return topic + (isKey ? "-key" : "-value");
  }
}
