package dev.vigil.app.ingest;

import dev.vigil.schema.AccessEvent;
import dev.vigil.schema.DevicePosture;
import dev.vigil.schema.ExternalSignal;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.NetworkFlow;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;

/** The typed signals a mapping can produce, with the field each one is keyed by. */
public enum SignalType {
  /** {@link LoginEvent}, keyed by subject. */
  LOGIN("login", LoginEvent.class, "subjectId"),
  /** {@link AccessEvent}, keyed by subject. */
  ACCESS("access", AccessEvent.class, "subjectId"),
  /** {@link NetworkFlow}, keyed by source workload. */
  NETWORK_FLOW("network-flow", NetworkFlow.class, "sourceWorkload"),
  /** {@link DevicePosture}, keyed by device. */
  DEVICE_POSTURE("device-posture", DevicePosture.class, "deviceId"),
  /** {@link ExternalSignal}, keyed by subject. */
  EXTERNAL("external", ExternalSignal.class, "subjectId");

  private final String id;
  private final Class<? extends SpecificRecordBase> recordClass;
  private final String keyField;
  private final Schema schema;

  SignalType(String id, Class<? extends SpecificRecordBase> recordClass, String keyField) {
    this.id = id;
    this.recordClass = recordClass;
    this.keyField = keyField;
    this.schema = SpecificData.get().getSchema(recordClass);
  }

  /** The name used in mapping files and dry-run output, e.g. {@code network-flow}. */
  public String id() {
    return id;
  }

  /** The generated Avro class. */
  public Class<? extends SpecificRecordBase> recordClass() {
    return recordClass;
  }

  /** The Avro schema of the signal. */
  public Schema schema() {
    return schema;
  }

  /** The field whose value is the record key on the signal topic. */
  public String keyField() {
    return keyField;
  }

  /** A new, empty record of this signal. */
  SpecificRecordBase newRecord() {
    return (SpecificRecordBase) SpecificData.newInstance(recordClass, schema);
  }

  /** The signal type named {@code id} in a mapping file (case-insensitive). */
  public static Optional<SignalType> of(String id) {
    String wanted = id == null ? "" : id.strip().toLowerCase(Locale.ROOT).replace('_', '-');
    return Arrays.stream(values()).filter(t -> t.id.equals(wanted)).findFirst();
  }

  /** The ids of every signal type, for error messages. */
  static String ids() {
    return Arrays.stream(values()).map(SignalType::id).collect(Collectors.joining(", "));
  }
}
