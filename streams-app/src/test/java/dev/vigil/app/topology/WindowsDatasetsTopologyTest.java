package dev.vigil.app.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.vigil.app.ingest.Formats;
import dev.vigil.app.ingest.Ingestor;
import dev.vigil.app.ingest.MappingResult.Mapped;
import dev.vigil.app.ingest.SampleData;
import dev.vigil.schema.EnforcementCommand;
import dev.vigil.schema.FindingRole;
import dev.vigil.schema.RiskAlert;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.RiskLevel;
import dev.vigil.schema.SubjectRisk;
import dev.vigil.schemas.topic.Topic;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Windows datasets of {@code ../shared/data} mapped by the {@code windows-security} format and
 * run through the production topology, as {@code vigil ingest --rebase-time} would produce them
 * (the capture's last event at the driver's wall clock). A two-minute capture carries no history
 * and the identity detectors compare with a learned baseline, so two weeks of pgustavo's ordinary
 * AES TGTs, logons and privileged logons (NXLog JSON lines through the same mapping) come first.
 */
class WindowsDatasetsTopologyTest {

  private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");

  private static final String RUBEUS =
      "windows/otrf/SDWIN-190319145126_rubeus_asktgt_ptt/"
          + "empire_shell_rubeus_asktgt_ptt_2020-09-21223848.json";
  private static final String COVENANT =
      "windows/otrf/SDWIN-200806115603_covenant_psremoting_command/"
          + "covenant_psremoting_command_2020-08-06115603.trimmed.json";

  @TempDir Path stateDir;

  /** What the pipeline wrote for one dataset. */
  record Run(
      List<RiskFinding> findings,
      Map<String, RiskLevel> levels,
      List<RiskAlert> alerts,
      List<EnforcementCommand> commands) {}

  /** Fourteen days of pgustavo's ordinary activity before {@code end}, at changing hours. */
  static String baseline(Instant end) {
    StringBuilder out = new StringBuilder();
    int record = 1;
    for (int day = 14; day >= 1; day--) {
      for (int k = 0; k < 2; k++) {
        Instant t =
            end.minus(day, ChronoUnit.DAYS)
                .truncatedTo(ChronoUnit.DAYS)
                .plus((day * 5L + k * 11L) % 24, ChronoUnit.HOURS);
        out.append(
            String.format(
                "{\"EventID\":4768,\"Channel\":\"Security\",\"Hostname\":\"MORDORDC.theshire.local\","
                    + "\"RecordNumber\":%d,\"@timestamp\":\"%s\",\"TargetUserName\":\"pgustavo\","
                    + "\"TargetDomainName\":\"THESHIRE\",\"IpAddress\":\"::ffff:172.18.39.5\","
                    + "\"Status\":\"0x0\",\"ServiceName\":\"krbtgt\",\"TicketEncryptionType\":\"0x12\","
                    + "\"PreAuthType\":\"2\"}%n",
                record++, t));
        for (String host : List.of("MORDORDC", "WORKSTATION5")) {
          out.append(
              String.format(
                  "{\"EventID\":4624,\"Channel\":\"Security\",\"Hostname\":\"%s.theshire.local\","
                      + "\"RecordNumber\":%d,\"@timestamp\":\"%s\",\"TargetUserName\":\"pgustavo\","
                      + "\"TargetDomainName\":\"THESHIRE\",\"IpAddress\":\"172.18.39.5\","
                      + "\"WorkstationName\":\"WORKSTATION5\",\"LogonType\":\"3\","
                      + "\"AuthenticationPackageName\":\"Kerberos\",\"TargetLogonId\":\"0x%x\"}%n",
                  host, record++, t.plusSeconds(1), 0x10000 + record));
          out.append(
              String.format(
                  "{\"EventID\":4672,\"Channel\":\"Security\",\"Hostname\":\"%s.theshire.local\","
                      + "\"RecordNumber\":%d,\"@timestamp\":\"%s\",\"SubjectUserName\":\"pgustavo\","
                      + "\"SubjectDomainName\":\"THESHIRE\",\"SubjectLogonId\":\"0x%x\"}%n",
                  host, record++, t.plusSeconds(1), 0x10000 + record));
        }
      }
    }
    return out.toString();
  }

  private static List<Mapped> map(Reader in) throws IOException {
    List<Mapped> out = new ArrayList<>();
    new Ingestor(Formats.get("windows-security"))
        .ingest(
            in,
            (r, raw) -> {
              if (r instanceof Mapped m) {
                out.add(m);
              }
            });
    return out;
  }

  /** Shifts every time field so that the last event is at {@code now}, as --rebase-time does. */
  private static void rebase(List<Mapped> signals, Instant now) {
    Instant latest =
        signals.stream()
            .map(m -> (Instant) m.value().get("timestamp"))
            .max(Instant::compareTo)
            .orElseThrow();
    Duration shift = Duration.between(latest, now);
    for (Mapped m : signals) {
      for (Schema.Field f : m.value().getSchema().getFields()) {
        if (m.value().get(f.pos()) instanceof Instant t) {
          m.value().put(f.pos(), t.plus(shift));
        }
      }
    }
  }

  private Run run(String dataset) throws IOException {
    List<Mapped> signals = new ArrayList<>(map(new StringReader(baseline(NOW))));
    try (Reader in = Files.newBufferedReader(SampleData.file(dataset), StandardCharsets.UTF_8)) {
      List<Mapped> capture = map(in);
      rebase(capture, NOW);
      signals.addAll(capture);
    }
    try (TopologyFixture fx =
        TopologyFixture.builder(stateDir, NOW).set("topic.prefix", "win").build()) {
      for (Mapped m : signals) {
        @SuppressWarnings("unchecked")
        Topic<String, SpecificRecordBase> topic =
            (Topic<String, SpecificRecordBase>)
                (Topic<?, ?>)
                    switch (m.signal()) {
                      case LOGIN -> fx.topics.login();
                      case ACCESS -> fx.topics.access();
                      case NETWORK_FLOW -> fx.topics.networkFlow();
                      case DEVICE_POSTURE -> fx.topics.devicePosture();
                      case EXTERNAL -> fx.topics.external();
                    };
        fx.input(topic).pipeInput(m.key(), m.value(), (Instant) m.value().get("timestamp"));
      }
      Map<String, RiskLevel> levels = new TreeMap<>();
      for (SubjectRisk s : fx.output(fx.topics.scores()).readValuesToList()) {
        levels.merge(s.getSubjectId(), s.getLevel(), (a, b) -> a.compareTo(b) >= 0 ? a : b);
      }
      return new Run(
          fx.output(fx.topics.findings()).readValuesToList(),
          levels,
          fx.output(fx.topics.alerts()).readValuesToList(),
          fx.output(fx.topics.commands()).readValuesToList());
    }
  }

  @Test
  void shouldPutTheAccountWhoseHashRubeusUsedAndItsHostAtMediumWithACommand() throws Exception {
    // Given pgustavo's two weeks of AES TGTs, when the Rubeus asktgt /rc4 capture follows
    Run run = run(RUBEUS);

    // Then the account and the requesting host are actors of an RC4 downgrade, both at medium
    assertThat(run.findings())
        .filteredOn(f -> f.getDetectorId().equals("login.kerberos-rc4-downgrade"))
        .extracting(RiskFinding::getSubjectId, RiskFinding::getRole)
        .containsExactlyInAnyOrder(
            tuple("pgustavo", FindingRole.ACTOR), tuple("172.18.39.6", FindingRole.ACTOR));
    assertThat(run.levels().get("pgustavo")).isGreaterThanOrEqualTo(RiskLevel.MEDIUM);
    assertThat(run.levels().get("172.18.39.6")).isGreaterThanOrEqualTo(RiskLevel.MEDIUM);
    // and a command acts on the account
    assertThat(run.commands()).extracting(EnforcementCommand::getSubjectId).contains("pgustavo");
  }

  @Test
  void shouldReportCovenantsFirstPrivilegedLogonToWorkstation6() throws Exception {
    // Given pgustavo's two weeks on MORDORDC and WORKSTATION5, when Covenant remotes to WS6
    Run run = run(COVENANT);

    // Then the privileged and the network logon to the new host are pgustavo's, as actor
    assertThat(run.findings())
        .filteredOn(f -> f.getSubjectId().equals("pgustavo"))
        .extracting(RiskFinding::getDetectorId, RiskFinding::getRole)
        .contains(
            tuple("login.privileged-new-host", FindingRole.ACTOR),
            tuple("login.new-host-logon", FindingRole.ACTOR));
    assertThat(run.findings())
        .filteredOn(f -> f.getDetectorId().equals("login.privileged-new-host"))
        .allSatisfy(f -> assertThat(f.getRelatedSubjects()).containsExactly("WORKSTATION6"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        RUBEUS,
        "windows/otrf/SDWIN-191027055035_rdp_taskmanager_lsass_dump/"
            + "rdp_interactive_taskmanager_lsass_dump_2020-09-22043748.trimmed.json",
        COVENANT,
        "windows/evtx-attack-samples/CA_4624_4625_LogonType2_LogonProc_chrome.jsonl",
        "windows/evtx-attack-samples/DE_RDP_Tunneling_4624.jsonl",
        "windows/evtx-attack-samples/LM_4624_mimikatz_sekurlsa_pth_source_machine.jsonl",
        "windows/evtx-attack-samples/LM_WMIC_4648_rpcss.jsonl",
        "windows/evtx-attack-samples/LM_REMCOM_5145_TargetHost.jsonl"
      })
  void shouldAlertNoAccountOrHostButTheAttackersOnAnyWindowsDataset(String dataset)
      throws Exception {
    // When a dataset follows the baseline
    Run run = run(dataset);

    // Then only pgustavo (whose credentials the OTRF attacks use) and the host Rubeus ran on are
    // ever alerted or acted on: no machine account, service, collector or other user
    System.out.printf(
        "%s: findings %s, levels %s, commands %s%n",
        dataset,
        run.findings().stream().map(f -> f.getDetectorId() + "@" + f.getSubjectId()).toList(),
        run.levels(),
        run.commands().stream().map(c -> c.getAction() + "@" + c.getSubjectId()).toList());
    assertThat(run.alerts())
        .extracting(RiskAlert::getSubjectId)
        .isSubsetOf("pgustavo", "172.18.39.6");
    assertThat(run.commands())
        .extracting(EnforcementCommand::getSubjectId)
        .isSubsetOf("pgustavo", "172.18.39.6");
  }
}
