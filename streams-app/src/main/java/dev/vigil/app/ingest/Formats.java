package dev.vigil.app.ingest;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The built-in formats, each a mapping file under {@code ingest/} on the class path. */
public final class Formats {

  /** Every built-in format name. */
  public static final List<String> NAMES =
      List.of("windows-security", "okta", "entra-signin", "zeek-conn", "ocsf", "cloudtrail");

  private static final Map<String, Mapping> LOADED = new ConcurrentHashMap<>();

  private Formats() {}

  /**
   * The built-in mapping of a format.
   *
   * @throws MappingException if there is no such format
   */
  public static Mapping get(String format) {
    if (!NAMES.contains(format)) {
      throw new MappingException(
          "Unknown format '" + format + "'; formats: " + String.join(", ", NAMES) + ".");
    }
    return LOADED.computeIfAbsent(format, Mapping::resource);
  }

  /** Every built-in mapping, in {@link #NAMES} order. */
  public static List<Mapping> all() {
    return NAMES.stream().map(Formats::get).toList();
  }
}
