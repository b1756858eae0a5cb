package dev.vigil.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The metric names the provisioned Grafana dashboards query in their PromQL expressions. */
final class DashboardQueries {

  /** The dashboards, relative to this module's directory. */
  static final Path DASHBOARDS = Path.of("..", "docker", "grafana", "dashboards");

  private static final Pattern METRIC =
      Pattern.compile("\\b(?:vigil|kafka|jvm|process|system)_[a-zA-Z0-9_]+");

  private DashboardQueries() {}

  /** Every metric name in an {@code expr} of any dashboard panel target. */
  static Set<String> metricNames() {
    Set<String> names = new TreeSet<>();
    ObjectMapper json = new ObjectMapper();
    try (Stream<Path> files = Files.list(DASHBOARDS)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
        json.readTree(file.toFile()).findValues("expr").stream()
            .map(JsonNode::asText)
            .forEach(
                expr -> {
                  Matcher m = METRIC.matcher(expr);
                  while (m.find()) {
                    names.add(m.group());
                  }
                });
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (names.isEmpty()) {
      throw new IllegalStateException(
          "No dashboard queries found in " + DASHBOARDS.toAbsolutePath());
    }
    return names;
  }
}
