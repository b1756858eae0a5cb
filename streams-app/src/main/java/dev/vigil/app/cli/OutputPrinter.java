package dev.vigil.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.risk.decision.RiskOutputs;
import dev.vigil.schema.Contribution;
import dev.vigil.schema.DecisionMode;
import dev.vigil.schema.EnforcementCommand;
import dev.vigil.schema.RiskAlert;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Prints alerts and decisions as they happen: lines for people, or one JSON object per line. Used
 * by the demo and by {@code vigil alerts|commands|audit}.
 */
public final class OutputPrinter {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrintWriter out;
  private final OutputFormat format;

  public OutputPrinter(PrintWriter out, OutputFormat format) {
    this.out = out;
    this.format = format;
  }

  public synchronized void info(String message) {
    if (format == OutputFormat.TEXT) {
      out.println(message);
    } else {
      ObjectNode n = JSON.createObjectNode().put("type", "info").put("message", message);
      out.println(n.toString());
    }
    out.flush();
  }

  public synchronized void print(Observation o) {
    if (format == OutputFormat.JSON) {
      out.println(json(o).toString());
    } else {
      out.println(text(o));
    }
    out.flush();
  }

  private static String text(Observation o) {
    String time = TIME.format(Instant.ofEpochMilli(o.receivedAtMillis()));
    switch (o.kind()) {
      case ALERT -> {
        RiskAlert a = (RiskAlert) o.value();
        StringBuilder sb =
            new StringBuilder()
                .append(time)
                .append("  ALERT    ")
                .append(String.format(Locale.ROOT, "%-8s", a.getLevel()))
                .append(" (was ")
                .append(a.getPreviousLevel().name().toLowerCase(Locale.ROOT))
                .append(String.format(Locale.ROOT, ", score %.0f)  ", a.getScore()))
                .append(a.getSubjectId());
        for (Contribution c : a.getContributions()) {
          sb.append("\n          - ")
              .append(c.getSummary())
              .append(
                  String.format(
                      Locale.ROOT, " [%s, %.0f]", c.getDetectorId(), c.getCurrentScore()));
        }
        if (!a.getSourceEventIds().isEmpty()) {
          sb.append("\n          events: ").append(abbreviate(a.getSourceEventIds()));
        }
        if (a.getMode() != null) {
          sb.append("\n          ")
              .append(a.getMode() == DecisionMode.AUDIT ? "would have " : "action: ")
              .append(RiskOutputs.verb(a.getAction()))
              .append(a.getMode() == DecisionMode.AUDIT ? " (audit mode)" : "");
        }
        return sb.toString();
      }
      case COMMAND, AUDIT -> {
        EnforcementCommand c = (EnforcementCommand) o.value();
        String label = o.kind() == Observation.Kind.COMMAND ? "COMMAND  " : "AUDIT    ";
        StringBuilder sb =
            new StringBuilder()
                .append(time)
                .append("  ")
                .append(label)
                .append(c.getAction())
                .append(" -> ")
                .append(c.getSubjectId());
        if (!c.getSessionIds().isEmpty()) {
          sb.append(" (").append(c.getSessionIds().size()).append(" sessions)");
        }
        if (c.getGrantId() != null) {
          sb.append(" grant ").append(c.getGrantId());
        }
        sb.append("  policy ")
            .append(c.getPolicyId())
            .append(" v")
            .append(c.getPolicyVersion())
            .append(" rule ")
            .append(c.getRuleId())
            .append(c.getMode() == DecisionMode.AUDIT ? "  [audit only]" : "")
            .append("  id ")
            .append(c.getCommandId(), 0, 8);
        return sb.toString();
      }
      default -> {
        return time + "  DLQ      " + o.subject();
      }
    }
  }

  private static String abbreviate(List<String> ids) {
    if (ids.size() <= 4) {
      return String.join(", ", ids);
    }
    return String.join(", ", ids.subList(0, 4)) + " (+" + (ids.size() - 4) + " more)";
  }

  private static ObjectNode json(Observation o) {
    ObjectNode n = JSON.createObjectNode();
    n.put("type", o.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'));
    n.put("receivedAt", Instant.ofEpochMilli(o.receivedAtMillis()).toString());
    n.put("subject", o.subject());
    if (o.value() instanceof RiskAlert a) {
      n.put("alertId", a.getAlertId())
          .put("timestamp", a.getTimestamp().toString())
          .put("level", a.getLevel().name())
          .put("previousLevel", a.getPreviousLevel().name())
          .put("score", a.getScore())
          .put("headline", a.getHeadline())
          .put("action", a.getAction().name())
          .put("mode", a.getMode() == null ? null : a.getMode().name())
          .put("commandId", a.getCommandId());
      ArrayNode cs = n.putArray("contributions");
      for (Contribution c : a.getContributions()) {
        ObjectNode cn = cs.addObject();
        cn.put("detector", c.getDetectorId())
            .put("summary", c.getSummary())
            .put("score", c.getCurrentScore());
        ArrayNode ids = cn.putArray("sourceEventIds");
        c.getSourceEventIds().forEach(ids::add);
      }
      ArrayNode ids = n.putArray("sourceEventIds");
      a.getSourceEventIds().forEach(ids::add);
    } else if (o.value() instanceof EnforcementCommand c) {
      n.put("commandId", c.getCommandId())
          .put("action", c.getAction().name())
          .put("mode", c.getMode().name())
          .put("reason", c.getReason())
          .put("issuedAt", c.getIssuedAt().toString())
          .put("expiresAt", c.getExpiresAt() == null ? null : c.getExpiresAt().toString())
          .put("policyId", c.getPolicyId())
          .put("policyVersion", c.getPolicyVersion())
          .put("ruleId", c.getRuleId())
          .put("riskScore", c.getRiskScore())
          .put("riskLevel", c.getRiskLevel().name());
      ArrayNode sessions = n.putArray("sessionIds");
      c.getSessionIds().forEach(sessions::add);
      ArrayNode ids = n.putArray("sourceEventIds");
      c.getSourceEventIds().forEach(ids::add);
    }
    return n;
  }
}
