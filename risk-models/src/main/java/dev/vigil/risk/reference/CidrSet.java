package dev.vigil.risk.reference;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A set of CIDR blocks (IPv4 and IPv6) mapping each block to a value, with longest-prefix match.
 * Thread-safe for concurrent reads and writes.
 *
 * @param <V> the value attached to each block
 */
public final class CidrSet<V> {

  private final Map<String, V> blocks = new ConcurrentHashMap<>();
  private final Map<String, String> keysByCidr = new ConcurrentHashMap<>();

  /**
   * Adds a block such as {@code 203.0.113.0/24}, {@code 2001:db8::/32} or a single address.
   *
   * @throws IllegalArgumentException if the text is not a CIDR block
   */
  public void put(String cidr, V value) {
    String key = key(cidr);
    blocks.put(key, value);
    keysByCidr.put(cidr, key);
  }

  /** Removes a block previously added with the same text. */
  public void remove(String cidr) {
    String key = keysByCidr.remove(cidr);
    if (key != null) {
      blocks.remove(key);
    }
  }

  /** The value of the most specific block containing the address, if any. */
  public Optional<V> match(String ip) {
    if (blocks.isEmpty()) {
      return Optional.empty();
    }
    Optional<byte[]> parsed = IpAddresses.parse(ip);
    if (parsed.isEmpty()) {
      return Optional.empty();
    }
    byte[] address = parsed.get();
    for (int prefix = address.length * 8; prefix >= 0; prefix--) {
      V v = blocks.get(IpAddresses.network(address, prefix));
      if (v != null) {
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }

  /** Whether no block is present. */
  public boolean isEmpty() {
    return blocks.isEmpty();
  }

  /** Number of blocks. */
  public int size() {
    return blocks.size();
  }

  private static String key(String cidr) {
    int slash = cidr.indexOf('/');
    String ip = slash < 0 ? cidr : cidr.substring(0, slash);
    byte[] address =
        IpAddresses.parse(ip)
            .orElseThrow(() -> new IllegalArgumentException("'" + cidr + "' is not a CIDR block."));
    int prefix;
    try {
      prefix = slash < 0 ? address.length * 8 : Integer.parseInt(cidr.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + cidr + "' has no valid prefix length.", e);
    }
    if (prefix < 0 || prefix > address.length * 8) {
      throw new IllegalArgumentException("'" + cidr + "' has a prefix length out of range.");
    }
    return IpAddresses.network(address, prefix);
  }
}
