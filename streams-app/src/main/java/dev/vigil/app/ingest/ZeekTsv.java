package dev.vigil.app.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Reads Zeek's TSV log format into the same JSON objects Zeek's JSON writer produces: the {@code
 * #fields} header names the columns (keys like {@code id.orig_h}), {@code #types} types them,
 * {@code #unset_field} and {@code #empty_field} values are left out.
 */
final class ZeekTsv {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ZeekTsv() {}

  static void read(BufferedReader reader, Consumer<RecordReader.Document> sink) throws IOException {
    String separator = "\t";
    String setSeparator = ",";
    String empty = "(empty)";
    String unset = "-";
    List<String> fields = new ArrayList<>();
    List<String> types = new ArrayList<>();
    long n = 0;
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      n++;
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("#")) {
        if (line.startsWith("#separator")) {
          separator = unescape(line.substring("#separator".length()).strip());
          continue;
        }
        String[] h = line.split(Pattern.quote(separator), -1);
        String rest = h.length > 1 ? h[1] : "";
        switch (h[0]) {
          case "#set_separator" -> setSeparator = rest;
          case "#empty_field" -> empty = rest;
          case "#unset_field" -> unset = rest;
          case "#fields" -> fields = List.of(h).subList(1, h.length);
          case "#types" -> types = List.of(h).subList(1, h.length);
          default -> {
            // #path, #open, #close carry nothing a record needs.
          }
        }
        continue;
      }
      if (fields.isEmpty()) {
        sink.accept(new RecordReader.Document(n, line, null, "data before the #fields header"));
        continue;
      }
      String[] values = line.split(Pattern.quote(separator), -1);
      if (values.length != fields.size()) {
        sink.accept(
            new RecordReader.Document(
                n,
                line,
                null,
                values.length + " columns where the #fields header names " + fields.size()));
        continue;
      }
      ObjectNode o = NODES.objectNode();
      String problem = null;
      for (int i = 0; i < values.length; i++) {
        String v = values[i];
        if (v.equals(unset) || v.equals(empty)) {
          continue;
        }
        String type = i < types.size() ? types.get(i) : "string";
        try {
          o.set(fields.get(i), typed(v, type, setSeparator));
        } catch (NumberFormatException e) {
          problem = "'" + v + "' in column " + fields.get(i) + " is not a " + type;
          break;
        }
      }
      sink.accept(new RecordReader.Document(n, line, problem == null ? o : null, problem));
    }
  }

  private static JsonNode typed(String v, String type, String setSeparator) {
    if (type.startsWith("set[") || type.startsWith("vector[")) {
      String inner = type.substring(type.indexOf('[') + 1, type.length() - 1);
      ArrayNode a = NODES.arrayNode();
      for (String part : v.split(Pattern.quote(setSeparator), -1)) {
        a.add(typed(part, inner, setSeparator));
      }
      return a;
    }
    return switch (type) {
      case "time", "interval", "double" -> NODES.numberNode(new BigDecimal(v));
      case "count", "int", "port" -> NODES.numberNode(Long.parseLong(v));
      case "bool" -> NODES.booleanNode("T".equals(v));
      default -> NODES.textNode(v);
    };
  }

  /** {@code \x09} and friends, as Zeek writes the separator. */
  private static String unescape(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      if (s.startsWith("\\x", i) && i + 4 <= s.length()) {
        out.append((char) Integer.parseInt(s.substring(i + 2, i + 4), 16));
        i += 3;
      } else {
        out.append(s.charAt(i));
      }
    }
    return out.length() == 0 ? "\t" : out.toString();
  }
}
