package dev.vigil.schemas.registry;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaIncompatibilityType;

/**
 * Reader/writer compatibility by Avro's own {@link SchemaCompatibility}, with each incompatibility
 * described in plain words that name the field concerned.
 */
public final class AvroCompatibility {

  private AvroCompatibility() {}

  /**
   * Checks whether data written with {@code writer} can be read with {@code reader}.
   *
   * @return compatible, or incompatible with one message per problem
   */
  public static CompatibilityResult canRead(Schema reader, Schema writer) {
    var pair = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
    if (pair.getType() == SchemaCompatibilityType.COMPATIBLE) {
      return CompatibilityResult.ok();
    }
    List<String> messages = new ArrayList<>();
    for (Incompatibility incompatibility : pair.getResult().getIncompatibilities()) {
      try {
        messages.addAll(explain(reader, incompatibility));
      } catch (RuntimeException e) {
        messages.add(describe(reader, incompatibility));
      }
    }
    if (messages.isEmpty()) {
      messages.add(pair.getDescription());
    }
    return new CompatibilityResult(false, messages);
  }

  /**
   * One incompatibility in plain words. A writer record that matches no branch of a reader union is
   * explained by the differences with the reader's record of the same name, since that is almost
   * always what changed.
   */
  private static List<String> explain(Schema reader, Incompatibility incompatibility) {
    Schema readerUnion = incompatibility.getReaderFragment();
    Schema writer = incompatibility.getWriterFragment();
    if (incompatibility.getType() == SchemaIncompatibilityType.MISSING_UNION_BRANCH
        && readerUnion != null
        && readerUnion.getType() == Schema.Type.UNION
        && writer != null) {
      String where = fieldPath(reader, incompatibility.getLocation());
      if (writer.getType() == Schema.Type.UNION) {
        // The location ends with the index of the writer's branch that found no reader branch.
        String location = incompatibility.getLocation();
        String last = location.substring(location.lastIndexOf('/') + 1);
        if (last.isEmpty() || !last.chars().allMatch(Character::isDigit)) {
          return List.of(describe(reader, incompatibility));
        }
        writer = writer.getTypes().get(Integer.parseInt(last));
      }
      for (Schema branch :
          writer.getType() == Schema.Type.RECORD ? readerUnion.getTypes() : List.<Schema>of()) {
        if (branch.getType() == Schema.Type.RECORD
            && branch.getFullName().equals(writer.getFullName())) {
          List<String> nested = canRead(branch, writer).messages();
          if (!nested.isEmpty()) {
            return nested.stream()
                .map(m -> where.isEmpty() ? m : m.replaceFirst("'", "'" + where + "."))
                .toList();
          }
        }
      }
    }
    return List.of(describe(reader, incompatibility));
  }

  /** One incompatibility in plain words, naming the field by its dotted path in the reader. */
  public static String describe(Schema reader, Incompatibility incompatibility) {
    String where = fieldPath(reader, incompatibility.getLocation());
    String message = incompatibility.getMessage();
    return switch (incompatibility.getType()) {
      case READER_FIELD_MISSING_DEFAULT_VALUE ->
          "field '"
              + (where.isEmpty() ? message : join(where, message))
              + "' is missing from the writer's data and has no default";
      case TYPE_MISMATCH -> "field '" + orRoot(where) + "' changed type (" + message + ")";
      case MISSING_ENUM_SYMBOLS ->
          "enum '" + orRoot(where) + "' cannot read the writer's symbols " + message;
      case MISSING_UNION_BRANCH ->
          "union '" + orRoot(where) + "' has no branch for the writer's " + message;
      case NAME_MISMATCH -> "type '" + orRoot(where) + "' was renamed (" + message + ")";
      case FIXED_SIZE_MISMATCH -> "fixed '" + orRoot(where) + "' changed size (" + message + ")";
      default -> incompatibility.getType() + " at '" + orRoot(where) + "': " + message;
    };
  }

  private static String join(String path, String name) {
    return path.endsWith(name) ? path : path + "." + name;
  }

  private static String orRoot(String where) {
    return where.isEmpty() ? "(root)" : where;
  }

  /**
   * Turns a location such as {@code /fields/10/type/1/fields/0/type} into field names such as
   * {@code geo.country}. Best effort: stops at the first step it cannot follow.
   */
  private static String fieldPath(Schema root, String location) {
    if (location == null || location.isEmpty()) {
      return "";
    }
    List<String> names = new ArrayList<>();
    Schema current = root;
    String[] steps = location.split("/");
    try {
      for (int i = 0; i < steps.length; i++) {
        String step = steps[i];
        if (step.isEmpty() || step.equals("type")) {
          continue;
        }
        if (step.equals("fields")
            && i + 1 < steps.length
            && current.getType() == Schema.Type.RECORD) {
          Schema.Field field = current.getFields().get(Integer.parseInt(steps[++i]));
          names.add(field.name());
          current = field.schema();
        } else if (step.equals("items")) {
          current = current.getElementType();
        } else if (step.equals("values")) {
          current = current.getValueType();
        } else if (current.getType() == Schema.Type.UNION
            && step.chars().allMatch(Character::isDigit)) {
          current = current.getTypes().get(Integer.parseInt(step));
        } else {
          break;
        }
      }
    } catch (RuntimeException e) {
      // The location does not match the reader; keep what was resolved so far.
    }
    return String.join(".", names);
  }
}
