package dev.vigil.app.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.app.ingest.MappingResult.Mapped;
import dev.vigil.schema.AuthMethod;
import dev.vigil.schema.FailureKind;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.LoginOutcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The example in {@code docs/ingest.md} works as the page says. */
class IngestDocsTest {

  @Test
  void shouldMapTheDocumentedExampleAsDescribed() throws Exception {
    // Given the example mapping and record from the page
    String page =
        Files.readString(Path.of("../docs/ingest.md").toAbsolutePath(), StandardCharsets.UTF_8);
    Mapping mapping = Mapping.parse(block(page, "<!-- example-mapping -->"), "docs/ingest.md");
    String record = block(page, "<!-- example-record -->").strip();

    // When the record is mapped
    MappingResult result = mapping.map(new ObjectMapper().readTree(record), record);

    // Then the login is the one the page describes
    assertThat(result).isInstanceOf(Mapped.class);
    LoginEvent login = (LoginEvent) ((Mapped) result).value();
    assertThat(login.getSubjectId()).isEqualTo("alice");
    assertThat(login.getTimestamp()).isEqualTo(Instant.parse("2024-01-15T09:00:00Z"));
    assertThat(login.getIp()).isEqualTo("198.51.100.7");
    assertThat(login.getApplication()).isEqualTo("gw1/staff");
    assertThat(login.getAuthMethod()).isEqualTo(AuthMethod.MFA_PUSH);
    assertThat(login.getOutcome()).isEqualTo(LoginOutcome.FAILURE);
    assertThat(login.getFailureKind()).isEqualTo(FailureKind.BAD_PASSWORD);
    assertThat(login.getEventId()).isEqualTo("s-42");
  }

  /** The fenced code block after a marker. */
  private static String block(String page, String marker) {
    int at = page.indexOf(marker);
    assertThat(at).as("marker %s in docs/ingest.md", marker).isNotNegative();
    int start = page.indexOf('\n', page.indexOf("```", at)) + 1;
    return page.substring(start, page.indexOf("```", start));
  }
}
