package dev.vigil.risk.reference;

import java.util.Optional;
import java.util.regex.Pattern;

/** Parsing of IPv4/IPv6 literals without DNS look-ups. */
public final class IpAddresses {

  private static final Pattern IPV4 =
      Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

  private IpAddresses() {}

  /**
   * The address bytes of an IP literal (4 for IPv4, 16 for IPv6), or empty when it is not one.
   * Never resolves host names.
   */
  public static Optional<byte[]> parse(String ip) {
    if (ip == null || ip.isEmpty()) {
      return Optional.empty();
    }
    var m = IPV4.matcher(ip);
    if (m.matches()) {
      byte[] b = new byte[4];
      for (int i = 0; i < 4; i++) {
        int octet = Integer.parseInt(m.group(i + 1));
        if (octet > 255) {
          return Optional.empty();
        }
        b[i] = (byte) octet;
      }
      return Optional.of(b);
    }
    if (ip.indexOf(':') >= 0 && ip.matches("[0-9a-fA-F:.]+")) {
      try {
        // A literal containing ':' is parsed without any name resolution.
        return Optional.of(java.net.InetAddress.getByName(ip).getAddress());
      } catch (java.net.UnknownHostException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** The address with all bits after {@code prefixLength} cleared, as a map key. */
  static String network(byte[] address, int prefixLength) {
    byte[] masked = address.clone();
    for (int bit = prefixLength; bit < masked.length * 8; bit++) {
      masked[bit / 8] &= (byte) ~(1 << (7 - bit % 8));
    }
    StringBuilder sb = new StringBuilder(masked.length * 2 + 4);
    for (byte x : masked) {
      sb.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
    }
    return sb.append('/').append(prefixLength).toString();
  }
}
