package dev.vigil.risk.detect;

import dev.vigil.schema.LoginEvent;
import java.util.Locale;
import java.util.Set;

/**
 * Names of hosts and accounts as Windows logs spell them, made comparable: hosts upper case without
 * domain suffix or leading backslashes; machine and built-in accounts recognised so identity
 * detectors can skip them.
 */
public final class Hosts {

  private static final int MAX_LENGTH = 64;
  private static final Set<String> BUILT_IN =
      Set.of(
          "SYSTEM",
          "LOCAL SERVICE",
          "NETWORK SERVICE",
          "ANONYMOUS LOGON",
          "LOCALSYSTEM",
          "-",
          "KRBTGT");

  private Hosts() {}

  /**
   * A host name as a subject id: upper case, no leading {@code \\}, no DNS suffix (an IP literal is
   * kept whole); null for blank, {@code -}, {@code localhost} and loopback.
   */
  public static String canonical(String host) {
    if (host == null) {
      return null;
    }
    String h = host.trim();
    while (h.startsWith("\\")) {
      h = h.substring(1);
    }
    if (h.isEmpty() || h.equals("-") || h.equals("*")) {
      return null;
    }
    String lower = h.toLowerCase(Locale.ROOT);
    if (lower.equals("localhost")
        || lower.equals("127.0.0.1")
        || lower.equals("::1")
        || lower.startsWith("localhost.")) {
      return null;
    }
    boolean ip = lower.contains(":") || lower.matches("[0-9.]+");
    if (!ip && h.indexOf('.') > 0) {
      h = h.substring(0, h.indexOf('.'));
    }
    h = h.toUpperCase(Locale.ROOT);
    return h.length() <= MAX_LENGTH ? h : h.substring(0, MAX_LENGTH);
  }

  /**
   * An IP address as logged, without the IPv4-mapped prefix; null for blank, {@code -}, loopback.
   */
  public static String ip(String ip) {
    if (ip == null) {
      return null;
    }
    String a = ip.trim();
    if (a.regionMatches(true, 0, "::ffff:", 0, 7) && a.indexOf('.') > 0) {
      a = a.substring(7);
    }
    if (a.isEmpty() || a.equals("-") || a.equals("::1") || a.equals("127.0.0.1")) {
      return null;
    }
    return a.length() <= MAX_LENGTH ? a : a.substring(0, MAX_LENGTH);
  }

  /**
   * Where a login attempt came from, as a subject id and store key: its IP address, else its source
   * host; null when neither is known.
   */
  public static String source(LoginEvent e) {
    String ip = ip(e.getIp());
    return ip != null ? ip : canonical(e.getSourceHost());
  }

  /**
   * The autonomous system an attempt came from, as a subject id and store key ({@code AS14061});
   * null when the event carries no ASN (internal traffic, no geolocation).
   */
  public static String asn(LoginEvent e) {
    if (e.getGeo() == null || e.getGeo().getAsn() == null || ip(e.getIp()) == null) {
      return null;
    }
    return "AS" + e.getGeo().getAsn();
  }

  /** Whether an account is a machine account ({@code NAME$}) or a built-in identity. */
  public static boolean machineOrBuiltIn(String account) {
    if (account == null || account.isBlank()) {
      return true;
    }
    String a = account.trim();
    int at = a.indexOf('@');
    String name = at > 0 ? a.substring(0, at) : a;
    int slash = name.lastIndexOf('\\');
    name = slash >= 0 ? name.substring(slash + 1) : name;
    String upper = name.toUpperCase(Locale.ROOT);
    return upper.endsWith("$")
        || BUILT_IN.contains(upper)
        || upper.startsWith("DWM-")
        || upper.startsWith("UMFD-");
  }

  /** An account name for comparison: lower case, without {@code DOMAIN\} or {@code @REALM}. */
  public static String account(String account) {
    if (account == null) {
      return null;
    }
    String a = account.trim();
    int at = a.indexOf('@');
    if (at > 0) {
      a = a.substring(0, at);
    }
    int slash = a.lastIndexOf('\\');
    if (slash >= 0) {
      a = a.substring(slash + 1);
    }
    a = a.toLowerCase(Locale.ROOT);
    return a.length() <= MAX_LENGTH ? a : a.substring(0, MAX_LENGTH);
  }
}
