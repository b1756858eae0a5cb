package dev.vigil.dev.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.vigil.app.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What can be checked of the compose deployment and the Kubernetes manifests without a Docker
 * engine or a cluster: they parse, every image is pinned, every referenced service, file, secret,
 * volume and {@code VIGIL_*} variable exists, and the dashboards are valid and provisioned.
 */
class DeploymentFilesTest {

  private static final Path ROOT = Path.of("..");
  private static final Path DOCKER = ROOT.resolve("docker");
  private static final Path K8S = ROOT.resolve("deploy").resolve("k8s");
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> RESERVED_VIGIL_ENV =
      Set.of("VIGIL_CONFIG", "VIGIL_JAVA_OPTS", "VIGIL_HOME");
  private static final Pattern PINNED =
      Pattern.compile("[a-z0-9./_-]+(:[A-Za-z0-9._-]+)?(@sha256:[0-9a-f]{64})?");

  private static JsonNode compose() throws IOException {
    return YAML.readTree(DOCKER.resolve("compose.yaml").toFile());
  }

  private static List<JsonNode> k8sDocuments() throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (Stream<Path> files = Files.list(K8S)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        try (var parser = new YAMLFactory().createParser(f.toFile())) {
          YAML.readValues(parser, JsonNode.class).readAll().stream()
              .filter(d -> d != null && !d.isNull())
              .forEach(docs::add);
        }
      }
    }
    return docs;
  }

  private static void assertPinned(String image, String where) {
    assertThat(image).as("image of %s", where).isNotBlank();
    Matcher m = PINNED.matcher(image);
    assertThat(m.matches()).as("image reference %s of %s", image, where).isTrue();
    assertThat(m.group(1) != null || m.group(2) != null)
        .as("%s of %s names a version tag or digest", image, where)
        .isTrue();
    assertThat(image).as("image of %s", where).doesNotEndWith(":latest");
  }

  private static void assertVigilEnv(String name, String where) {
    if (!name.startsWith("VIGIL_") || RESERVED_VIGIL_ENV.contains(name)) {
      return;
    }
    String key = name.substring("VIGIL_".length()).toLowerCase().replace('_', '.');
    assertThat(Settings.byKey(key))
        .as("%s in %s sets '%s', which must be a setting", name, where, key)
        .isPresent();
  }

  @Test
  void shouldDefineEveryServiceTheComposeFileReferencesWithPinnedImages() throws IOException {
    // Given the compose file
    JsonNode services = compose().get("services");
    Set<String> names = new HashSet<>();
    services.fieldNames().forEachRemaining(names::add);

    // Then it has the whole deployment
    assertThat(names)
        .contains(
            "kafka",
            "schema-registry",
            "vigil-setup",
            "vigil-1",
            "vigil-2",
            "generator",
            "prometheus",
            "grafana");
    for (Map.Entry<String, JsonNode> s : services.properties()) {
      // And every image is pinned and every dependency is a service
      assertPinned(s.getValue().path("image").asText(), s.getKey());
      JsonNode deps = s.getValue().path("depends_on");
      List<String> depNames = new ArrayList<>();
      if (deps.isArray()) {
        deps.forEach(d -> depNames.add(d.asText()));
      } else {
        deps.fieldNames().forEachRemaining(depNames::add);
      }
      assertThat(names).as("dependencies of %s", s.getKey()).containsAll(depNames);
    }
    assertThat(services.path("kafka").path("image").asText()).isEqualTo("apache/kafka:4.3.1");
    assertThat(services.path("kafka").path("environment").path("KAFKA_PROCESS_ROLES").asText())
        .isEqualTo("broker,controller");
  }

  @Test
  void shouldPointEveryBuildVolumeSecretAndVigilVariableAtSomethingThatExists() throws IOException {
    // Given the compose file
    JsonNode compose = compose();
    Set<String> volumes = new HashSet<>();
    compose.path("volumes").fieldNames().forEachRemaining(volumes::add);
    Set<String> secrets = new HashSet<>();
    compose.path("secrets").fieldNames().forEachRemaining(secrets::add);

    for (Map.Entry<String, JsonNode> s : compose.get("services").properties()) {
      JsonNode service = s.getValue();
      // Then builds name Dockerfiles that exist
      if (service.has("build")) {
        Path context = DOCKER.resolve(service.path("build").path("context").asText());
        assertThat(context.resolve(service.path("build").path("dockerfile").asText()))
            .as("Dockerfile of %s", s.getKey())
            .isRegularFile();
      }
      // And bind mounts exist, named volumes and secrets are declared
      for (JsonNode v : service.path("volumes")) {
        String source = v.asText().split(":")[0];
        if (source.startsWith(".")) {
          assertThat(DOCKER.resolve(source)).as("mount of %s", s.getKey()).exists();
        } else {
          assertThat(volumes).as("volumes of %s", s.getKey()).contains(source);
        }
      }
      for (JsonNode secret : service.path("secrets")) {
        assertThat(secrets).as("secrets of %s", s.getKey()).contains(secret.asText());
      }
      // And every VIGIL_* variable is a setting
      service.path("environment").fieldNames().forEachRemaining(n -> assertVigilEnv(n, s.getKey()));
    }
    // And the two instances share one signing key through the same secret
    JsonNode one = compose.get("services").get("vigil-1").path("environment");
    JsonNode two = compose.get("services").get("vigil-2").path("environment");
    assertThat(one.path("VIGIL_SETS_KEYSTORE_PATH").asText())
        .isNotBlank()
        .isEqualTo(two.path("VIGIL_SETS_KEYSTORE_PATH").asText());
    assertThat(one.path("VIGIL_APPLICATION_ID")).isEqualTo(two.path("VIGIL_APPLICATION_ID"));
    // And the secret's file is one the documented keygen command creates in an existing directory
    Path keyFile =
        DOCKER.resolve(compose.path("secrets").path("vigil-sets-keystore").path("file").asText());
    assertThat(keyFile.getParent()).isDirectory();
    assertThat(Files.readString(DOCKER.resolve("README.md")))
        .contains("set keygen --keystore docker/secrets/" + keyFile.getFileName());
  }

  @Test
  void shouldPinBaseImagesAndPackageOnlyTheProductionJarInTheProductionImage() throws IOException {
    // Given the two Dockerfiles
    String prod = Files.readString(DOCKER.resolve("Dockerfile"));
    String dev = Files.readString(DOCKER.resolve("Dockerfile.dev"));

    // Then base images are pinned
    for (String file : List.of(prod, dev)) {
      file.lines()
          .filter(l -> l.startsWith("FROM "))
          .forEach(l -> assertPinned(l.substring(5).split(" ")[0], "FROM"));
    }
    // And the production image copies the production artifact only
    assertThat(prod).contains("streams-app/target/vigil.jar", "streams-app/target/lib");
    assertThat(prod).doesNotContain("dev-tools");
    assertThat(dev).contains("dev-tools/target/vigil-dev.jar", "dev.vigil.dev.cli.DevCli");
    assertThat(Files.readString(ROOT.resolve("streams-app").resolve("pom.xml")))
        .contains("<finalName>vigil</finalName>");
    assertThat(Files.readString(ROOT.resolve("dev-tools").resolve("pom.xml")))
        .contains("<finalName>vigil-dev</finalName>");
  }

  @Test
  void shouldScrapeBothInstancesAndProvisionValidDashboards() throws IOException {
    // Given Prometheus and Grafana configuration
    JsonNode compose = compose();
    JsonNode prometheus = YAML.readTree(DOCKER.resolve("prometheus/prometheus.yml").toFile());
    Set<String> targets = new HashSet<>();
    for (JsonNode job : prometheus.path("scrape_configs")) {
      for (JsonNode sc : job.path("static_configs")) {
        sc.path("targets").forEach(t -> targets.add(t.asText()));
      }
    }

    // Then Prometheus scrapes both instances on their HTTP port
    for (String instance : List.of("vigil-1", "vigil-2")) {
      String port =
          compose
              .get("services")
              .get(instance)
              .path("environment")
              .path("VIGIL_HTTP_PORT")
              .asText();
      assertThat(targets).contains(instance + ":" + port);
    }
    // And the provisioned datasource is the one every dashboard panel uses
    JsonNode datasources =
        YAML.readTree(DOCKER.resolve("grafana/provisioning/datasources/prometheus.yml").toFile());
    String uid = datasources.path("datasources").get(0).path("uid").asText();
    assertThat(datasources.path("datasources").get(0).path("url").asText())
        .isEqualTo("http://prometheus:9090");
    JsonNode provider =
        YAML.readTree(DOCKER.resolve("grafana/provisioning/dashboards/vigil.yml").toFile());
    String dashboardPath = provider.path("providers").get(0).path("options").path("path").asText();
    assertThat(compose.get("services").get("grafana").path("volumes").toString())
        .contains("./grafana/dashboards:" + dashboardPath);
    Set<String> titles = new HashSet<>();
    try (Stream<Path> files = Files.list(DOCKER.resolve("grafana/dashboards"))) {
      for (Path f : files.toList()) {
        JsonNode dashboard = JSON.readTree(f.toFile());
        titles.add(dashboard.path("uid").asText());
        assertThat(dashboard.path("panels")).as("panels of %s", f).isNotEmpty();
        for (JsonNode panel : dashboard.path("panels")) {
          assertThat(panel.path("datasource").path("uid").asText()).isEqualTo(uid);
          assertThat(panel.path("targets")).as("targets of %s", panel.path("title")).isNotEmpty();
          panel
              .path("targets")
              .forEach(t -> assertThat(t.path("expr").asText()).as("query").isNotBlank());
        }
      }
    }
    assertThat(titles).contains("vigil-soc", "vigil-operator");
  }

  @Test
  void shouldRunAStatefulSetWithProbesStateVolumesAndResolvableReferences() throws IOException {
    // Given the manifests
    List<JsonNode> docs = k8sDocuments();
    JsonNode sts = kind(docs, "StatefulSet");
    JsonNode configMap = kind(docs, "ConfigMap");
    JsonNode secret = kind(docs, "Secret");
    JsonNode pdb = kind(docs, "PodDisruptionBudget");
    JsonNode pod = sts.path("spec").path("template");
    JsonNode container = pod.path("spec").path("containers").get(0);

    // Then the StatefulSet keeps state on claimed volumes and names a headless Service
    String claim =
        sts.path("spec").path("volumeClaimTemplates").get(0).path("metadata").path("name").asText();
    assertThat(container.path("volumeMounts").toString()).contains("\"name\":\"" + claim + "\"");
    String serviceName = sts.path("spec").path("serviceName").asText();
    assertThat(
            docs.stream()
                .filter(d -> d.path("kind").asText().equals("Service"))
                .filter(d -> d.path("metadata").path("name").asText().equals(serviceName))
                .findFirst()
                .orElseThrow()
                .path("spec")
                .path("clusterIP")
                .asText())
        .isEqualTo("None");
    // And probes use /ready and /health
    assertThat(container.path("readinessProbe").path("httpGet").path("path").asText())
        .isEqualTo("/ready");
    assertThat(container.path("livenessProbe").path("httpGet").path("path").asText())
        .isEqualTo("/health");
    // And its references resolve: ConfigMap, Secret, secret keys, PDB selector, state dir
    assertThat(container.path("envFrom").toString())
        .contains(configMap.path("metadata").path("name").asText())
        .contains(secret.path("metadata").path("name").asText());
    Set<String> secretKeys = new HashSet<>();
    secret.path("data").fieldNames().forEachRemaining(secretKeys::add);
    secret.path("stringData").fieldNames().forEachRemaining(secretKeys::add);
    for (JsonNode volume : pod.path("spec").path("volumes")) {
      volume
          .path("secret")
          .path("items")
          .forEach(i -> assertThat(secretKeys).contains(i.path("key").asText()));
    }
    assertThat(pdb.path("spec").path("selector").path("matchLabels"))
        .isEqualTo(pod.path("metadata").path("labels"));
    assertThat(configMap.path("data").path("VIGIL_SETS_KEYSTORE_PATH").asText())
        .startsWith(mountOf(container, "sets-key"));
    assertThat(configMap.path("data").path("VIGIL_STATE_DIR").asText())
        .startsWith(mountOf(container, claim));
    // And every image is pinned and every VIGIL_* key is a setting
    for (JsonNode d : docs) {
      d.findValues("image").forEach(i -> assertPinned(i.asText(), d.path("kind").asText()));
      d.findValues("env")
          .forEach(env -> env.forEach(e -> assertVigilEnv(e.path("name").asText(), "env")));
    }
    configMap.path("data").fieldNames().forEachRemaining(n -> assertVigilEnv(n, "ConfigMap"));
    secret.path("stringData").fieldNames().forEachRemaining(n -> assertVigilEnv(n, "Secret"));
    // And kustomize lists files that exist
    JsonNode kustomization = YAML.readTree(K8S.resolve("kustomization.yaml").toFile());
    kustomization
        .path("resources")
        .forEach(r -> assertThat(K8S.resolve(r.asText())).isRegularFile());
  }

  private static JsonNode kind(List<JsonNode> docs, String kind) {
    return docs.stream()
        .filter(d -> d.path("kind").asText().equals(kind))
        .findFirst()
        .orElse(MissingNode.getInstance());
  }

  private static String mountOf(JsonNode container, String volume) {
    for (JsonNode m : container.path("volumeMounts")) {
      if (m.path("name").asText().equals(volume)) {
        return m.path("mountPath").asText();
      }
    }
    throw new AssertionError("No mount of volume " + volume);
  }
}
