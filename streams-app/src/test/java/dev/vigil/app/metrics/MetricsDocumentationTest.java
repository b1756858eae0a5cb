package dev.vigil.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.schema.RiskLevel;
import io.micrometer.core.instrument.Meter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The metrics table of {@code docs/operations.md} names exactly the registered vigil meters. */
class MetricsDocumentationTest {

  private static final Path GUIDE = Path.of("..", "docs", "operations.md");
  private static final Pattern ROW =
      Pattern.compile("^\\| `(vigil\\.[a-z.]+)` \\|", Pattern.MULTILINE);

  @Test
  void shouldDocumentEveryRegisteredVigilMeterAndNoOther() throws IOException {
    // Given every meter Vigil registers, with the top-subjects gauge populated
    VigilMetrics metrics = VigilMetrics.inMemory();
    metrics.detectors(
        dev.vigil.risk.signal.SignalFamilies.catalog(DetectorSettings.defaults()).findingIds());
    metrics.source("t", "login");
    metrics.subjectRisk("s", 50, RiskLevel.HIGH);
    Set<String> registered = new TreeSet<>();
    for (Meter m : metrics.registry().getMeters()) {
      // A timer's bucket gauge is part of the timer, not a meter of its own.
      if (!m.getId().getName().endsWith(".histogram")) {
        registered.add(m.getId().getName());
      }
    }

    // When the guide's table is read
    String guide = Files.readString(GUIDE);
    String table =
        guide.substring(
            guide.indexOf("<!-- vigil-meters:start -->"),
            guide.indexOf("<!-- vigil-meters:end -->"));
    Set<String> documented = new TreeSet<>();
    Matcher m = ROW.matcher(table);
    while (m.find()) {
      documented.add(m.group(1));
    }

    // Then they are the same
    assertThat(documented).isEqualTo(registered);
  }
}
