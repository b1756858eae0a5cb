package dev.vigil.app.topics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The least-privilege ACLs a Vigil instance's principal needs, as documented in {@code
 * docs/security.md}: its topics ({@code <topic.prefix>.}) read and write, Kafka Streams' internal
 * topics ({@code <application.id>-}) created, read, written, described and purged, its consumer
 * group ({@code <application.id>}), its transactional ids ({@code <application.id>-}) and
 * idempotent writes. Topic creation for Vigil's own topics is an operator's job ({@code vigil
 * topics create} with an admin principal) and is not granted.
 */
public final class AclSet {

  private AclSet() {}

  /**
   * The ACL bindings for one principal.
   *
   * @param principal e.g. {@code User:vigil}
   * @param topicPrefix {@code topic.prefix}
   * @param applicationId {@code application.id}
   */
  public static List<AclBinding> forVigil(
      String principal, String topicPrefix, String applicationId) {
    List<AclBinding> acls = new ArrayList<>();
    ResourcePattern topics =
        new ResourcePattern(ResourceType.TOPIC, topicPrefix + ".", PatternType.PREFIXED);
    ResourcePattern internal =
        new ResourcePattern(ResourceType.TOPIC, applicationId + "-", PatternType.PREFIXED);
    ResourcePattern group =
        new ResourcePattern(ResourceType.GROUP, applicationId, PatternType.LITERAL);
    ResourcePattern transactions =
        new ResourcePattern(
            ResourceType.TRANSACTIONAL_ID, applicationId + "-", PatternType.PREFIXED);
    ResourcePattern cluster =
        new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL);
    for (AclOperation op : List.of(AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE)) {
      acls.add(allow(topics, principal, op));
    }
    for (AclOperation op :
        List.of(
            AclOperation.CREATE,
            AclOperation.READ,
            AclOperation.WRITE,
            AclOperation.DESCRIBE,
            AclOperation.DESCRIBE_CONFIGS,
            AclOperation.DELETE)) {
      acls.add(allow(internal, principal, op));
    }
    acls.add(allow(group, principal, AclOperation.READ));
    acls.add(allow(group, principal, AclOperation.DESCRIBE));
    acls.add(allow(transactions, principal, AclOperation.WRITE));
    acls.add(allow(transactions, principal, AclOperation.DESCRIBE));
    acls.add(allow(cluster, principal, AclOperation.IDEMPOTENT_WRITE));
    return List.copyOf(acls);
  }

  private static AclBinding allow(ResourcePattern pattern, String principal, AclOperation op) {
    return new AclBinding(
        pattern, new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW));
  }

  /**
   * The {@code kafka-acls.sh} command that creates one binding, as written in {@code
   * docs/security.md} (without the {@code --bootstrap-server} and {@code --command-config}
   * options).
   */
  public static String command(AclBinding acl) {
    ResourcePattern p = acl.pattern();
    String resource =
        switch (p.resourceType()) {
          case TOPIC -> "--topic " + p.name();
          case GROUP -> "--group " + p.name();
          case TRANSACTIONAL_ID -> "--transactional-id " + p.name();
          case CLUSTER -> "--cluster";
          default -> throw new IllegalArgumentException("Unexpected resource " + p);
        };
    String operation = acl.entry().operation().name().toLowerCase(Locale.ROOT).replace('_', '-');
    String pattern =
        p.patternType() == PatternType.PREFIXED ? " --resource-pattern-type prefixed" : "";
    String op =
        switch (acl.entry().operation()) {
          case DESCRIBE_CONFIGS -> "DescribeConfigs";
          case IDEMPOTENT_WRITE -> "IdempotentWrite";
          default -> Character.toUpperCase(operation.charAt(0)) + operation.substring(1);
        };
    return "kafka-acls.sh --add --allow-principal "
        + acl.entry().principal()
        + " --operation "
        + op
        + " "
        + resource
        + pattern;
  }
}
