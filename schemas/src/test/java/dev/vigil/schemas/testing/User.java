package dev.vigil.schemas.testing;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * The {@code User} record of the Confluent wire-format examples, hand-written as a specific record.
 * The namespace only lets Avro find this class; it does not change the encoded bytes.
 */
public class User extends SpecificRecordBase {

  /** The schema, as in the wire-format description plus a namespace. */
  public static final Schema SCHEMA$ =
      new Schema.Parser()
          .parse(
              "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"dev.vigil.schemas.testing\","
                  + "\"fields\":[{\"name\":\"name\",\"type\":\"string\"},"
                  + "{\"name\":\"age\",\"type\":\"int\"}]}");

  private CharSequence name;
  private int age;

  /** An empty user, used by Avro when decoding. */
  public User() {}

  /** A user with a name and age. */
  public User(String name, int age) {
    this.name = name;
    this.age = age;
  }

  /** The name. */
  public String name() {
    return name == null ? null : name.toString();
  }

  /** The age. */
  public int age() {
    return age;
  }

  @Override
  public Schema getSchema() {
    return SCHEMA$;
  }

  @Override
  public Object get(int field) {
    return switch (field) {
      case 0 -> name;
      case 1 -> age;
      default -> throw new IndexOutOfBoundsException(field);
    };
  }

  @Override
  public void put(int field, Object value) {
    switch (field) {
      case 0 -> name = (CharSequence) value;
      case 1 -> age = (Integer) value;
      default -> throw new IndexOutOfBoundsException(field);
    }
  }
}
