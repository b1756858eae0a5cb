package dev.vigil.app.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.app.config.Setting;
import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.DetectorSettings.Parameter;
import dev.vigil.risk.detect.Durations;
import dev.vigil.risk.signal.DetectorParameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps the docs' parameter tables true: every detector parameter that {@code docs/detectors.md}
 * names, and every setting in the settings table of {@code docs/decisions.md}, is accepted by the
 * configuration and reaches what reads it.
 */
class DocumentedSettingsTest {

  private static final Pattern SECTION = Pattern.compile("^###\\s+(.*)$");
  private static final Pattern TICKED = Pattern.compile("`([a-z0-9][a-z0-9.\\-]*)`");

  private static Path docs() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("docs"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("a docs/ folder above the module").isNotNull();
    return dir.resolve("docs");
  }

  /** Detector parameter keys named in the Parameters lines of each detector section. */
  static Map<String, List<String>> documentedDetectorParameters() throws IOException {
    Map<String, List<String>> byKey = new LinkedHashMap<>();
    List<String> ids = List.of();
    boolean inParameters = false;
    for (String line : Files.readAllLines(docs().resolve("detectors.md"))) {
      Matcher section = SECTION.matcher(line);
      if (section.matches()) {
        ids = ticked(section.group(1));
        inParameters = false;
        continue;
      }
      if (line.startsWith("- **Parameters**")) {
        inParameters = true;
      } else if (line.startsWith("- ") || line.isBlank() || line.startsWith("#")) {
        inParameters = false;
      }
      if (inParameters && !ids.isEmpty()) {
        for (String token : ticked(line)) {
          byKey.put(resolve(ids, token), ids);
        }
      }
    }
    return byKey;
  }

  private static String resolve(List<String> ids, String token) {
    for (String id : ids) {
      if (token.startsWith(id + ".")) {
        return token;
      }
    }
    for (String id : ids) {
      if (DetectorParameters.all().containsKey(id + "." + token)) {
        return id + "." + token;
      }
    }
    return ids.get(0) + "." + token;
  }

  private static List<String> ticked(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = TICKED.matcher(text);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @Test
  void shouldDocumentDetectorParametersThatExistAndTakeEffect() throws IOException {
    // Given every parameter the detector catalogue documents
    Map<String, List<String>> documented = documentedDetectorParameters();
    assertThat(documented).hasSizeGreaterThan(50);

    for (String key : documented.keySet()) {
      // Then it is a parameter some detector reads, and a setting
      assertThat(DetectorParameters.all()).as("documented parameter " + key).containsKey(key);
      Optional<Setting<?>> setting = Settings.byKey(key);
      assertThat(setting).as("setting " + key).isPresent();

      // When it is set to another value with --set
      Parameter parameter = DetectorParameters.all().get(key);
      String changed = changed(parameter);
      VigilConfig config = VigilConfig.loader().set(key + "=" + changed).load();

      // Then the detectors are built with that value
      DetectorSettings settings = config.detectorSettings();
      assertThat(read(settings, parameter)).as(key).isEqualTo(read(changed, parameter));
      assertThat(read(settings, parameter))
          .as(key)
          .isNotEqualTo(read(parameter.defaultValue(), parameter));
    }
  }

  @Test
  void shouldAcceptEverySettingOfTheDecisionsSettingsTable() throws IOException {
    // Given the settings table of docs/decisions.md
    List<String> keys = new ArrayList<>();
    boolean inTable = false;
    for (String line : Files.readAllLines(docs().resolve("decisions.md"))) {
      if (line.startsWith("| setting")) {
        inTable = true;
      } else if (inTable && line.startsWith("|") && !line.startsWith("|---")) {
        ticked(line.split("\\|")[1]).forEach(keys::add);
      } else if (inTable && !line.startsWith("|")) {
        inTable = false;
      }
    }
    assertThat(keys).contains("decay.interval", "device.check.interval");

    for (String key : keys) {
      // Then each is a setting whose documented default is the real default
      assertThat(Settings.byKey(key)).as(key).isPresent();
      assertThat(VigilConfig.defaults().origin(key).layer()).isEqualTo(VigilConfig.Layer.DEFAULT);
    }
  }

  private static String changed(Parameter p) {
    return switch (p.type()) {
      case "integer" -> Integer.toString(Integer.parseInt(p.defaultValue()) + 1);
      case "number" -> Double.toString(Double.parseDouble(p.defaultValue()) * 2 + 1);
      case "boolean" -> Boolean.toString(!Boolean.parseBoolean(p.defaultValue()));
      case "duration" -> Durations.format(Durations.parse(p.defaultValue()).plusMinutes(1));
      default -> p.defaultValue() + ",changed";
    };
  }

  private static Object read(DetectorSettings s, Parameter p) {
    return switch (p.type()) {
      case "integer" -> s.getInt(p.key(), -1);
      case "number" -> s.getDouble(p.key(), -1);
      case "boolean" -> s.getBoolean(p.key(), false);
      case "duration" -> s.getDuration(p.key(), Duration.ZERO);
      default -> s.getString(p.key(), "");
    };
  }

  private static Object read(String text, Parameter p) {
    return read(DetectorSettings.of(Map.of(p.key(), text)), p);
  }
}
