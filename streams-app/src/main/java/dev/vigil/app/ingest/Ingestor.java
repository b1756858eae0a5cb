package dev.vigil.app.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.app.ingest.MappingResult.Skipped;
import java.io.IOException;
import java.io.Reader;
import java.util.List;
import java.util.function.BiConsumer;

/** Reads a source stream with {@link RecordReader} and maps every document with one mapping. */
public final class Ingestor {

  private final Mapping mapping;

  /** An ingestor for one mapping. */
  public Ingestor(Mapping mapping) {
    this.mapping = mapping;
  }

  /**
   * Maps every record of the stream, in order.
   *
   * @param in the source
   * @param sink receives each result with the text of the document it came from
   * @throws IOException if the stream cannot be read
   */
  public void ingest(Reader in, BiConsumer<MappingResult, String> sink) throws IOException {
    RecordReader.read(
        in,
        doc -> {
          if (doc.json() == null) {
            sink.accept(
                new Skipped(Mapping.BAD_JSON, true, "Not a valid record: " + doc.error()),
                doc.text());
            return;
          }
          for (MappingResult r : map(doc.json(), doc.text())) {
            sink.accept(r, doc.text());
          }
        });
  }

  private List<MappingResult> map(JsonNode json, String text) {
    return mapping.mapDocument(json, text);
  }
}
