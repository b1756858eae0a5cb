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
 * application.server}), and names the other instance otherwise. When the active copy cannot be read
 * (rebalance, restore) it falls back to a standby or restoring copy, marked stale.
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
    KeyQueryMetadata where;
    try {
      where =
          streams.queryMetadataForKey(
              StoreNames.SUBJECT_RISK, subjectId, Serdes.String().serializer());
    } catch (IllegalStateException e) {
      return findLocalCopy(subjectId);
    }
    boolean known =
        where != null
            && !KeyQueryMetadata.NOT_AVAILABLE.equals(where)
            && !where.activeHost().equals(HostInfo.unavailable());
    if (self != null && known && !where.activeHost().equals(self)) {
      return new Remote(where.activeHost().host() + ":" + where.activeHost().port());
    }
    if (self != null && !known) {
      // Metadata is rebuilding (rebalance): only a local copy, marked stale, can answer.
      return findLocalCopy(subjectId);
    }
    try {
      StoreQueryParameters<ReadOnlyKeyValueStore<String, SubjectRiskState>> params =
          StoreQueryParameters.fromNameAndType(
              StoreNames.SUBJECT_RISK,
              QueryableStoreTypes.<String, SubjectRiskState>keyValueStore());
      if (known) {
        params = params.withPartition(where.partition());
      }
      SubjectRiskState state = streams.store(params).get(subjectId);
      boolean stale = streams.state() != KafkaStreams.State.RUNNING;
      return state == null ? new Unknown() : new Local(state, stale);
    } catch (InvalidStateStoreException e) {
      return findLocalCopy(subjectId);
    }
  }

  @Override
  public Answer findLocalCopy(String subjectId) {
    try {
      SubjectRiskState state =
          streams
              .store(
                  StoreQueryParameters.fromNameAndType(
                          StoreNames.SUBJECT_RISK,
                          QueryableStoreTypes.<String, SubjectRiskState>keyValueStore())
                      .enableStaleStores())
              .get(subjectId);
      if (state != null) {
        return new Local(state, true);
      }
      return new Unavailable(
          "Subject '"
              + subjectId
              + "' is not in this instance's copy and its owner cannot be asked while Kafka"
              + " Streams is "
              + streams.state()
              + ".");
    } catch (InvalidStateStoreException e) {
      return new Unavailable(
          "The risk store cannot be queried while Kafka Streams is " + streams.state() + ".");
    }
  }
}
