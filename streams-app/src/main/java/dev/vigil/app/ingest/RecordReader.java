package dev.vigil.app.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.function.Consumer;

/**
 * Splits an input stream into source documents. Detected from the first non-blank line: JSON lines
 * (one document per line; a bad line is reported and reading goes on), a Zeek TSV log (a {@code
 * #separator} or {@code #fields} header, see {@link ZeekTsv}), or otherwise a sequence of JSON
 * documents (pretty-printed objects or an array), where a syntax error ends the stream.
 */
public final class RecordReader {

  private static final ObjectMapper JSON =
      com.fasterxml.jackson.databind.json.JsonMapper.builder()
          .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .build();
  private static final int PEEK_LIMIT = 64 * 1024 * 1024;

  /**
   * One document read.
   *
   * @param line the line it starts on (1-based), 0 when not line-based
   * @param text its text as read
   * @param json the parsed document, or null when it is not valid
   * @param error why it is not valid, or null
   */
  public record Document(long line, String text, JsonNode json, String error) {}

  private RecordReader() {}

  /**
   * Reads every document and hands it to the sink, in order.
   *
   * @throws IOException if the stream cannot be read
   */
  public static void read(Reader in, Consumer<Document> sink) throws IOException {
    BufferedReader reader = in instanceof BufferedReader b ? b : new BufferedReader(in, 1 << 16);
    reader.mark(PEEK_LIMIT);
    String first;
    do {
      first = reader.readLine();
    } while (first != null && first.isBlank());
    if (first == null) {
      return;
    }
    reader.reset();
    String head = first.strip();
    if (head.startsWith("#separator") || head.startsWith("#fields")) {
      ZeekTsv.read(reader, sink);
    } else if (isCompleteJson(head)) {
      lines(reader, sink);
    } else {
      documents(reader, sink);
    }
  }

  private static boolean isCompleteJson(String line) {
    if (!line.startsWith("{") && !line.startsWith("[")) {
      return false;
    }
    try {
      JSON.readTree(line);
      return true;
    } catch (JsonProcessingException e) {
      return false;
    }
  }

  private static void lines(BufferedReader reader, Consumer<Document> sink) throws IOException {
    long n = 0;
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      n++;
      if (line.isBlank()) {
        continue;
      }
      try {
        sink.accept(new Document(n, line, JSON.readTree(line), null));
      } catch (JsonProcessingException e) {
        sink.accept(new Document(n, line, null, e.getOriginalMessage()));
      }
    }
  }

  private static void documents(BufferedReader reader, Consumer<Document> sink) throws IOException {
    try (MappingIterator<JsonNode> it = JSON.readerFor(JsonNode.class).readValues(reader)) {
      while (it.hasNextValue()) {
        JsonNode doc = it.nextValue();
        sink.accept(new Document(0, doc.toString(), doc, null));
      }
    } catch (JsonProcessingException e) {
      // A syntax error in a multi-line document leaves no safe place to resume.
      sink.accept(new Document(0, "", null, e.getOriginalMessage()));
    }
  }
}
