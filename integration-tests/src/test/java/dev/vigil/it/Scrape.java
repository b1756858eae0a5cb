package dev.vigil.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** A Prometheus text exposition, parsed just enough to read names and sample values. */
final class Scrape {

  private record Sample(String name, String labels, double value) {}

  private final List<Sample> samples = new ArrayList<>();

  Scrape(String text) {
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      int nameEnd = brace >= 0 && brace < space ? brace : line.indexOf(' ');
      String labels =
          brace >= 0 && brace < space ? line.substring(brace, line.lastIndexOf('}') + 1) : "";
      samples.add(
          new Sample(
              line.substring(0, nameEnd), labels, Double.parseDouble(line.substring(space + 1))));
    }
  }

  /** Every sample name. */
  Set<String> names() {
    Set<String> out = new TreeSet<>();
    samples.forEach(s -> out.add(s.name()));
    return out;
  }

  /** Sum of a name's samples over all labels. */
  double sum(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).mapToDouble(Sample::value).sum();
  }

  /** Sum of a name's samples with one label value (or all, when label is null); -1 if none. */
  double value(String name, String label, String labelValue) {
    List<Sample> matching =
        samples.stream()
            .filter(s -> s.name().equals(name))
            .filter(s -> label == null || s.labels().contains(label + "=\"" + labelValue + "\""))
            .toList();
    return matching.isEmpty() ? -1 : matching.stream().mapToDouble(Sample::value).sum();
  }
}
