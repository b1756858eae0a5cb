package dev.vigil.app.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vigil.app.ingest.MappingResult.Mapped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Golden records under {@code src/test/resources/ingest-golden/}: the dry-run JSON of one mapped
 * signal, compared as a JSON tree. Run with {@code -Dingest.golden.update=true} to rewrite them
 * after an intended mapping change, then review the diff.
 */
final class Golden {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final Path DIR = Path.of("src/test/resources/ingest-golden");

  private Golden() {}

  /** The one mapped signal with this event id. */
  static Mapped byEventId(List<Mapped> mapped, String eventId) {
    List<Mapped> found =
        mapped.stream().filter(m -> eventId.equals(m.value().get("eventId"))).toList();
    assertThat(found).as("signals with eventId %s", eventId).hasSize(1);
    return found.get(0);
  }

  /** Asserts the signal renders exactly as the golden file. */
  static void assertMatches(Mapped mapped, String name) throws IOException {
    // Re-read so numbers compare by value whatever node type rendered them.
    JsonNode actual = JSON.readTree(SignalJson.of(mapped).toString());
    Path file = DIR.resolve(name + ".json");
    if (Boolean.getBoolean("ingest.golden.update")) {
      Files.writeString(file, JSON.writeValueAsString(actual) + "\n", StandardCharsets.UTF_8);
    }
    assertThat(file).as("golden file %s", file).isRegularFile();
    JsonNode expected = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
    assertThat(actual).as("signal vs %s", file).isEqualTo(expected);
  }
}
