package dev.vigil.risk.detect;

/** Which key a detector's baseline is kept under, and so how the topology partitions its input. */
public enum KeyScope {
  /** The subject the event is about (user, workload, service account). */
  SUBJECT,
  /** The source IP address, for detectors that watch one IP across many subjects. */
  SOURCE_IP,
  /** The device, for posture detectors. */
  DEVICE
}
