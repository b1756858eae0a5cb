package dev.vigil.risk.detect;

/** Which key a detector's baseline is kept under, and so how the topology partitions its input. */
public enum KeyScope {
  /** The subject the event is about (user, workload, service account). */
  SUBJECT,
  /**
   * The source of an attempt, for detectors that watch one source across many subjects: its IP
   * address, else its source host ({@link Hosts#source}); events with neither are not routed.
   */
  SOURCE_IP,
  /**
   * The autonomous system an attempt came from ({@link Hosts#asn}, e.g. {@code AS14061}), for
   * detectors that aggregate slow attacks from rotating addresses of one network; events without an
   * ASN are not routed.
   */
  SOURCE_ASN,
  /** The device, for posture detectors. */
  DEVICE
}
