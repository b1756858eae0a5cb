package dev.vigil.risk.detect.device;

import dev.vigil.schema.DevicePosture;
import java.util.ArrayList;
import java.util.List;

/**
 * What can be wrong with a device's posture, with a weight (0-100) and plain words. A device an
 * attacker controls (jailbroken, EDR off) weighs enough to reach medium risk alone; hygiene gaps
 * (old patches, firewall or screen lock off) stay low unless several add up.
 */
enum PostureIssue {
  JAILBROKEN(75, "jailbroken or rooted"),
  EDR_NOT_RUNNING(70, "EDR agent not running"),
  UNMANAGED(45, "not enrolled in device management"),
  DISK_NOT_ENCRYPTED(40, "disk not encrypted"),
  OS_PATCH_AGE(15, "OS security patches too old"),
  FIREWALL_OFF(15, "firewall off"),
  SCREEN_LOCK_OFF(5, "screen lock off");

  final int weight;
  final String words;

  PostureIssue(int weight, String words) {
    this.weight = weight;
    this.words = words;
  }

  int bit() {
    return 1 << ordinal();
  }

  /** The issues of a report as a bit set. */
  static int of(DevicePosture p, int maxPatchAgeDays) {
    int bits = 0;
    if (p.getJailbroken()) {
      bits |= JAILBROKEN.bit();
    }
    if (!p.getEdrRunning()) {
      bits |= EDR_NOT_RUNNING.bit();
    }
    if (!p.getManaged()) {
      bits |= UNMANAGED.bit();
    }
    if (!p.getDiskEncrypted()) {
      bits |= DISK_NOT_ENCRYPTED.bit();
    }
    if (p.getOsPatchAgeDays() != null && p.getOsPatchAgeDays() > maxPatchAgeDays) {
      bits |= OS_PATCH_AGE.bit();
    }
    if (Boolean.FALSE.equals(p.getFirewallEnabled())) {
      bits |= FIREWALL_OFF.bit();
    }
    if (Boolean.FALSE.equals(p.getScreenLockEnabled())) {
      bits |= SCREEN_LOCK_OFF.bit();
    }
    return bits;
  }

  /** The issues in a bit set, most serious first. */
  static List<PostureIssue> in(int bits) {
    List<PostureIssue> out = new ArrayList<>();
    for (PostureIssue i : values()) {
      if ((bits & i.bit()) != 0) {
        out.add(i);
      }
    }
    return out;
  }

  /** Combined weight: 100 * (1 - product of (1 - w/100)), so issues add up without saturating. */
  static double score(int bits) {
    double keep = 1;
    for (PostureIssue i : in(bits)) {
      keep *= 1 - i.weight / 100.0;
    }
    return Math.round(1000 * (1 - keep)) / 10.0;
  }

  /** "EDR agent not running, disk not encrypted". */
  static String describe(int bits) {
    List<String> words = new ArrayList<>();
    in(bits).forEach(i -> words.add(i.words));
    return String.join(", ", words);
  }
}
