package dev.vigil.risk.detect.device;

import dev.vigil.schema.AccessEvent;
import dev.vigil.schema.DevicePosture;
import dev.vigil.schema.LoginEvent;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One signal of the device family, keyed by device: a posture report, a subject using the device,
 * or a staleness check issued by a wall-clock punctuator. Exactly one of {@code posture}, {@code
 * usage} and {@code checkAt} is non-null.
 *
 * @param deviceId the device, the store key
 * @param posture a posture report from an MDM/EDR agent, or null
 * @param usage a subject seen using the device, or null
 * @param checkAt the time a staleness check is made for, or null
 */
public record DeviceSignal(
    String deviceId, DevicePosture posture, DeviceUsage usage, Instant checkAt) {

  /**
   * Validates that the device is named and exactly one component is present.
   *
   * @throws IllegalArgumentException if none or more than one is
   */
  public DeviceSignal {
    Objects.requireNonNull(deviceId, "deviceId");
    int present = (posture != null ? 1 : 0) + (usage != null ? 1 : 0) + (checkAt != null ? 1 : 0);
    if (present != 1) {
      throw new IllegalArgumentException(
          "A device signal carries exactly one of posture, usage or checkAt, not " + present + ".");
    }
  }

  /** A signal for a posture report. */
  public static DeviceSignal ofPosture(DevicePosture posture) {
    return new DeviceSignal(posture.getDeviceId(), posture, null, null);
  }

  /** A signal for a subject using a device. */
  public static DeviceSignal ofUsage(String deviceId, DeviceUsage usage) {
    return new DeviceSignal(deviceId, null, Objects.requireNonNull(usage, "usage"), null);
  }

  /** A staleness check of a device as of the given (wall-clock) time. */
  public static DeviceSignal ofCheck(String deviceId, Instant checkAt) {
    return new DeviceSignal(deviceId, null, null, checkAt);
  }

  /** The usage a successful sign-in with a device id shows, if any. */
  public static Optional<DeviceSignal> fromLogin(LoginEvent login) {
    return Optional.ofNullable(DeviceUsage.of(login)).map(u -> ofUsage(login.getDeviceId(), u));
  }

  /** The usage an allowed access with a device id shows, if any. */
  public static Optional<DeviceSignal> fromAccess(AccessEvent access) {
    return Optional.ofNullable(DeviceUsage.of(access)).map(u -> ofUsage(access.getDeviceId(), u));
  }

  /**
   * The id for de-duplication: the posture's or usage event's id; null for a check, which is made
   * afresh at each wall-clock instant, so there is nothing to replay: remembering it would only
   * rewrite every device's baselines on each round of checks and push real event ids out of the
   * recent ones.
   */
  public String eventId() {
    if (posture != null) {
      return posture.getEventId();
    }
    return usage != null ? usage.eventId() : null;
  }

  /** The report's time, the usage's time, or the check time. */
  public Instant timestamp() {
    if (posture != null) {
      return posture.getTimestamp();
    }
    return usage != null ? usage.at() : checkAt;
  }
}
