package dev.vigil.app.http;

import dev.vigil.app.topology.StoreNames;
import dev.vigil.risk.fusion.SubjectRiskState;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Interactive query of the subject risk store: asks Kafka Streams which instance hosts the key,
 * reads it locally when that is this instance (or when instances do not advertise an {@code
 * application.server}), and names the other instance otherwise.
 */
public final class StreamsRiskQuery implements RiskQuery {

  private final KafkaStreams streams;
  private final HostInfo self;

  /**
   * @param streams the running instance
   * @param self this instance's {@code application.server}, or null if not configured
   */
  public StreamsRiskQuery(KafkaStreams streams, HostInfo self) {
    this.streams = Objects.requireNonNull(streams, "streams");
    this.self = self;
  }

  @Override
  public Answer find(String subjectId) {
    try {
      KeyQueryMetadata where =
          streams.queryMetadataForKey(
              StoreNames.SUBJECT_RISK, subjectId, Serdes.String().serializer());
      if (self != null
          && where != null
          && !KeyQueryMetadata.NOT_AVAILABLE.equals(where)
          && !where.activeHost().equals(self)
          && !where.activeHost().equals(HostInfo.unavailable())) {
        return new Remote(where.activeHost().host() + ":" + where.activeHost().port());
      }
      ReadOnlyKeyValueStore<String, SubjectRiskState> store =
          streams.store(
              StoreQueryParameters.fromNameAndType(
                  StoreNames.SUBJECT_RISK, QueryableStoreTypes.keyValueStore()));
      SubjectRiskState state = store.get(subjectId);
      return state == null ? new Unknown() : new Local(state);
    } catch (InvalidStateStoreException e) {
      return new Unavailable(
          "The risk store cannot be queried while Kafka Streams is " + streams.state() + ".");
    }
  }
}
