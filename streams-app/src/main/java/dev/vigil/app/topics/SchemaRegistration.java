package dev.vigil.app.topics;

import dev.vigil.schemas.serde.ConfluentAvroSerde;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.util.ArrayList;
import java.util.List;

/**
 * Registers the value schema of every Avro topic in the schema registry exactly as Vigil's serde
 * uses it: the published {@code .avsc} with references to the common types, each common type under
 * its own subject. A producer with {@code auto.register.schemas=false} that uses the published
 * files then finds its schema id.
 */
public final class SchemaRegistration {

  /**
   * One registered value schema.
   *
   * @param subject the subject, {@code <topic>-value}
   * @param id the schema id
   */
  public record Registered(String subject, int id) {

    /** One line for people, e.g. for the CLI. */
    public String describe() {
      return subject + ": schema id " + id;
    }
  }

  private SchemaRegistration() {}

  /**
   * Registers every Avro value schema of a topic registry whose serdes are bound to the schema
   * registry; topics with other value serdes are skipped.
   *
   * @return one entry per registered subject, in registry order
   * @throws dev.vigil.schemas.registry.SchemaRegistryException if the registry refuses a schema or
   *     cannot be reached
   */
  public static List<Registered> registerValueSchemas(Topics topics) {
    List<Registered> registered = new ArrayList<>();
    for (Topic<?, ?> topic : topics.all()) {
      if (topic.valueSerde() instanceof ConfluentAvroSerde<?> serde) {
        int id = serde.serializer().register(topic.name());
        registered.add(new Registered(topic.name() + "-value", id));
      }
    }
    return registered;
  }
}
