package dev.vigil.app.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.app.ingest.MappingResult.Mapped;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The shared sample files beside the repository ({@code ../shared/data} from the repo root). */
public final class SampleData {

  private SampleData() {}

  /** The data folder, probed from the module directory and from the repository root. */
  public static Path dir() {
    Path here = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path candidate :
        List.of(here.resolve("../shared/data"), here.resolve("../../shared/data"))) {
      if (Files.isRegularFile(candidate.resolve("README.md"))) {
        return candidate.normalize();
      }
    }
    throw new IllegalStateException("No shared/data folder beside the repository from " + here);
  }

  /** A sample file by its path under the data folder. */
  public static Path file(String relative) {
    Path p = dir().resolve(relative);
    assertThat(p).as("sample file %s", relative).isRegularFile();
    return p;
  }

  /** Every result of mapping a file, with its counts. */
  record Run(IngestStats stats, List<MappingResult> results) {
    List<Mapped> mapped() {
      return results.stream().filter(Mapped.class::isInstance).map(Mapped.class::cast).toList();
    }
  }

  /** Maps a file with a built-in format. */
  static Run ingest(String format, String relative) throws IOException {
    return ingest(Formats.get(format), relative);
  }

  /** Maps a file with a mapping. */
  static Run ingest(Mapping mapping, String relative) throws IOException {
    IngestStats stats = new IngestStats();
    List<MappingResult> results = new ArrayList<>();
    try (Reader in = Files.newBufferedReader(file(relative), StandardCharsets.UTF_8)) {
      new Ingestor(mapping)
          .ingest(
              in,
              (r, raw) -> {
                stats.add(r);
                results.add(r);
              });
    }
    return new Run(stats, results);
  }
}
