package dev.vigil.app.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.vigil.app.ingest.MappingResult.Mapped;
import dev.vigil.schema.FailureKind;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.LoginKind;
import dev.vigil.schema.LoginOutcome;
import java.time.Instant;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Every built-in format against the real sample files in {@code ../shared/data} (see its README):
 * counts per signal kind and per skip reason, and field-exact golden records.
 */
class IngestGoldenTest {

  private static final String OTRF = "windows/otrf/";
  private static final String RUBEUS =
      OTRF
          + "SDWIN-190319145126_rubeus_asktgt_ptt/"
          + "empire_shell_rubeus_asktgt_ptt_2020-09-21223848.json";
  private static final String RDP =
      OTRF
          + "SDWIN-191027055035_rdp_taskmanager_lsass_dump/"
          + "rdp_interactive_taskmanager_lsass_dump_2020-09-22043748.trimmed.json";
  private static final String COVENANT =
      OTRF
          + "SDWIN-200806115603_covenant_psremoting_command/"
          + "covenant_psremoting_command_2020-08-06115603.trimmed.json";
  private static final String EVTX = "windows/evtx-attack-samples/";

  @Nested
  class WindowsSecurity {

    @Test
    void shouldMapTheRubeusOverPassTheHashDatasetWithItsRc4TicketRequest() throws Exception {
      // Given the OTRF Rubeus asktgt /ptt capture (1,179 records, README section 1)
      // When it is mapped
      SampleData.Run run = SampleData.ingest("windows-security", RUBEUS);

      // Then the README's counts hold: 4624 x7, 4634 x8, 4672 x6, one 4768, 5140/5145, Sysmon 3
      assertThat(run.stats().all())
          .containsExactly(
              entry("ignored:unsupported-channel", 309L),
              entry("ignored:unsupported-event-id", 843L),
              entry("mapped:access", 4L),
              entry("mapped:login/LOGOFF", 8L),
              entry("mapped:login/LOGON", 7L),
              entry("mapped:login/PRIVILEGED_LOGON", 6L),
              entry("mapped:login/TGT_REQUEST", 1L),
              entry("mapped:network-flow", 1L));
      // And the attack record is the RC4 TGT request for pgustavo at 02:39:14.736Z
      Mapped tgt = Golden.byEventId(run.mapped(), "win:mordordc.theshire.local:1950060");
      LoginEvent login = (LoginEvent) tgt.value();
      assertThat(tgt.key()).isEqualTo("pgustavo");
      assertThat(login.getTimestamp()).isEqualTo(Instant.parse("2020-09-22T02:39:14.736Z"));
      assertThat(login.getKind()).isEqualTo(LoginKind.TGT_REQUEST);
      assertThat(login.getTicketEncryption()).isEqualTo("RC4_HMAC");
      assertThat(login.getIp()).isEqualTo("172.18.39.6");
      Golden.assertMatches(tgt, "windows-4768-rc4-pgustavo");
      Golden.assertMatches(
          Golden.byEventId(run.mapped(), "win:workstation6.theshire.local:3668037"),
          "windows-sysmon3-rubeus-to-kdc");
    }

    @Test
    void shouldMapTheRdpLsassDumpDatasetWithPgustavoNetworkLogonFromOutside() throws Exception {
      // Given the OTRF RDP + Task Manager lsass dump capture (trimmed, 3,554 records)
      // When it is mapped
      SampleData.Run run = SampleData.ingest("windows-security", RDP);

      // Then 4624 x18, 4648 x2, 4768 x2, 4769 x3, 4776 x1 and 5140/5145 are all there
      assertThat(run.stats().all())
          .containsExactly(
              entry("ignored:unsupported-channel", 8L),
              entry("ignored:unsupported-event-id", 3474L),
              entry("mapped:access", 4L),
              entry("mapped:login/CREDENTIAL_VALIDATION", 1L),
              entry("mapped:login/EXPLICIT_CREDENTIALS", 2L),
              entry("mapped:login/LOGOFF", 14L),
              entry("mapped:login/LOGON", 18L),
              entry("mapped:login/PRIVILEGED_LOGON", 14L),
              entry("mapped:login/SERVICE_TICKET", 3L),
              entry("mapped:login/TGT_REQUEST", 2L),
              entry("mapped:network-flow", 14L));
      // And pgustavo's LogonType 3 from 1.2.3.4 is a NETWORK logon with that address
      assertThat(run.mapped())
          .map(Mapped::value)
          .filteredOn(v -> v instanceof LoginEvent l && "1.2.3.4".equals(l.getIp()))
          .map(v -> (LoginEvent) v)
          .anySatisfy(
              l -> {
                assertThat(l.getSubjectId()).isEqualTo("pgustavo");
                assertThat(l.getLogonType()).isEqualTo("NETWORK");
                assertThat(l.getTargetHost()).isEqualTo("workstation5");
              });
      // And every service ticket is AES256
      assertThat(run.mapped())
          .map(Mapped::value)
          .filteredOn(v -> v instanceof LoginEvent l && l.getKind() == LoginKind.SERVICE_TICKET)
          .allSatisfy(v -> assertThat(((LoginEvent) v).getTicketEncryption()).isEqualTo("AES256"));
    }

    @Test
    void shouldMapTheCovenantPsRemotingDatasetWithTheWorkstation6ServiceTicket() throws Exception {
      // Given the OTRF Covenant PowerShell remoting capture (trimmed, 2,381 records)
      // When it is mapped
      SampleData.Run run = SampleData.ingest("windows-security", COVENANT);

      // Then 4648 x5, 4768/4769, 4624 x16, 5140 x5 and 5145 x3 are all there
      assertThat(run.stats().all())
          .containsExactly(
              entry("ignored:unsupported-channel", 29L),
              entry("ignored:unsupported-event-id", 2239L),
              entry("mapped:access", 8L),
              entry("mapped:login/EXPLICIT_CREDENTIALS", 5L),
              entry("mapped:login/LOGOFF", 14L),
              entry("mapped:login/LOGON", 16L),
              entry("mapped:login/PRIVILEGED_LOGON", 13L),
              entry("mapped:login/SERVICE_TICKET", 1L),
              entry("mapped:login/TGT_REQUEST", 1L),
              entry("mapped:network-flow", 55L));
      Golden.assertMatches(
          Golden.byEventId(run.mapped(), "win:mordordc.theshire.local:444818"),
          "windows-4769-workstation6");
      Golden.assertMatches(
          Golden.byEventId(run.mapped(), "win:workstation5.theshire.local:114402"),
          "windows-4648-pgustavo-to-workstation6");
    }

    @Test
    void shouldMapTheEvtxAttackSamples() throws Exception {
      // Given the EVTX-ATTACK-SAMPLES conversions
      // When each is mapped
      SampleData.Run chrome =
          SampleData.ingest(
              "windows-security", EVTX + "CA_4624_4625_LogonType2_LogonProc_chrome.jsonl");
      SampleData.Run tunnel =
          SampleData.ingest("windows-security", EVTX + "DE_RDP_Tunneling_4624.jsonl");
      SampleData.Run pth =
          SampleData.ingest(
              "windows-security", EVTX + "LM_4624_mimikatz_sekurlsa_pth_source_machine.jsonl");
      SampleData.Run wmic =
          SampleData.ingest("windows-security", EVTX + "LM_WMIC_4648_rpcss.jsonl");
      SampleData.Run remcom =
          SampleData.ingest("windows-security", EVTX + "LM_REMCOM_5145_TargetHost.jsonl");

      // Then the counts match the README, 1102/4688 being ignored
      assertThat(chrome.stats().all()).containsExactly(entry("mapped:login/LOGON", 4L));
      assertThat(tunnel.stats().all()).containsExactly(entry("mapped:login/LOGON", 18L));
      assertThat(pth.stats().all())
          .containsExactly(
              entry("ignored:unsupported-event-id", 4L),
              entry("mapped:login/LOGON", 1L),
              entry("mapped:login/PRIVILEGED_LOGON", 1L));
      assertThat(wmic.stats().all())
          .containsExactly(
              entry("ignored:unsupported-event-id", 2L),
              entry("mapped:login/EXPLICIT_CREDENTIALS", 3L));
      assertThat(remcom.stats().all()).containsExactly(entry("mapped:access", 30L));
      // And the failed chrome logon is a bad password (SubStatus 0xc000006a), LogonType 2
      LoginEvent failed =
          chrome.mapped().stream()
              .map(m -> (LoginEvent) m.value())
              .filter(l -> l.getOutcome() == LoginOutcome.FAILURE)
              .findFirst()
              .orElseThrow();
      assertThat(failed.getFailureKind()).isEqualTo(FailureKind.BAD_PASSWORD);
      assertThat(failed.getLogonType()).isEqualTo("INTERACTIVE");
      Golden.assertMatches(
          Golden.byEventId(chrome.mapped(), "win:msedgewin10:137222"), "windows-4625-bad-password");
      // And the tunnelled RDP logon is REMOTE_INTERACTIVE from loopback
      assertThat(tunnel.mapped())
          .map(m -> (LoginEvent) m.value())
          .anySatisfy(
              l -> {
                assertThat(l.getSubjectId()).isEqualTo("ieuser");
                assertThat(l.getLogonType()).isEqualTo("REMOTE_INTERACTIVE");
                assertThat(l.getIp()).isEqualTo("127.0.0.1");
              });
      // And RemCom's service binary written to ADMIN$ is a restricted write
      Golden.assertMatches(
          Golden.byEventId(remcom.mapped(), "win:pc01.example.corp:237286"),
          "windows-5145-remcom-write");
    }
  }

  @Nested
  class Okta {

    @Test
    void shouldMapSentinelOktaClRowsIncludingTheFailedPasswordFactor() throws Exception {
      // Given three flattened Okta_CL rows: policy CHALLENGE, MFA failure, MFA success
      // When they are mapped
      SampleData.Run run = SampleData.ingest("okta", "okta/azure-sentinel/Okta_CL.first3.json");

      // Then the policy evaluation is ignored and both factor attempts are logins
      assertThat(run.stats().all())
          .containsExactly(entry("ignored:policy-not-denied", 1L), entry("mapped:login/LOGON", 2L));
      Golden.assertMatches(
          Golden.byEventId(run.mapped(), "6540b50a-9f9e-11ea-8e6c-9d92aa70e8a4"),
          "okta-cl-password-factor-failure");
    }

    @Test
    void shouldMapLogEventsOfEveryKindAndRejectTheImpossibleDate() throws Exception {
      // Given the raw LogEvent samples
      String dir = "okta/ocsf-examples/";
      // When each is mapped
      SampleData.Run start = SampleData.ingest("okta", dir + "okta_user.session.start.json");
      SampleData.Run threat = SampleData.ingest("okta", dir + "okta_security.threat.detected.json");
      SampleData.Run lock = SampleData.ingest("okta", dir + "okta_user.account.lock.json");
      SampleData.Run policy = SampleData.ingest("okta", dir + "okta_policy.lifecycle.create.json");
      SampleData.Run group = SampleData.ingest("okta", dir + "okta_group.user_membership.add.json");
      SampleData.Run token = SampleData.ingest("okta", dir + "okta_system.api_token.create.json");
      SampleData.Run elastic =
          SampleData.ingest(
              "okta", "okta/elastic-integrations/test-okta-system-events.first3.jsonl");
      SampleData.Run doc =
          SampleData.ingest("okta", "okta/okta-developer-docs/example_logevent.json");

      // Then
      assertThat(start.stats().all()).containsExactly(entry("mapped:login/LOGON", 1L));
      assertThat(threat.stats().all()).containsExactly(entry("mapped:external", 1L));
      assertThat(lock.stats().all()).containsExactly(entry("mapped:login/OTHER", 1L));
      assertThat(policy.stats().all()).containsExactly(entry("mapped:external", 1L));
      assertThat(group.stats().all()).containsExactly(entry("ignored:unsupported-event-type", 1L));
      assertThat(token.stats().all()).containsExactly(entry("ignored:unsupported-event-type", 1L));
      assertThat(elastic.stats().all())
          .containsExactly(
              entry("ignored:policy-not-denied", 1L),
              entry("mapped:login/LOGOFF", 1L),
              entry("mapped:login/LOGON", 1L));
      // And 2017-09-31 does not exist
      assertThat(doc.stats().all()).containsExactly(entry("rejected:bad-timestamp", 1L));
      Golden.assertMatches(start.mapped().get(0), "okta-session-start");
      Golden.assertMatches(threat.mapped().get(0), "okta-threat-detected");
      assertThat(((LoginEvent) lock.mapped().get(0).value()).getOutcome())
          .isEqualTo(LoginOutcome.LOCKED_OUT);
    }
  }

  @Nested
  class EntraSignin {

    @Test
    void shouldMapGraphAzureMonitorAndNonInteractiveShapes() throws Exception {
      // Given the three Entra samples
      // When each is mapped
      SampleData.Run graph =
          SampleData.ingest(
              "entra-signin", "entra/msgraph-docs/beta_signin_list_example1_response.json");
      SampleData.Run monitor =
          SampleData.ingest("entra-signin", "entra/ms-docs/azure_monitor_SignInLogs_example.json");
      SampleData.Run nonInteractive =
          SampleData.ingest(
              "entra-signin",
              "entra/elastic-integrations/test-non-interactive-user-sample.first2.jsonl");

      // Then every record is a login
      assertThat(graph.stats().all()).containsExactly(entry("mapped:login/LOGON", 1L));
      assertThat(monitor.stats().all()).containsExactly(entry("mapped:login/LOGON", 1L));
      assertThat(nonInteractive.stats().all()).containsExactly(entry("mapped:login/LOGON", 2L));
      // And 50126 is a bad password, 50140 an interrupt, non-interactive sign-ins are tokens
      Golden.assertMatches(graph.mapped().get(0), "entra-graph-50126");
      LoginEvent kmsi = (LoginEvent) monitor.mapped().get(0).value();
      assertThat(kmsi.getOutcome()).isEqualTo(LoginOutcome.OTHER);
      assertThat(kmsi.getAttributes()).containsEntry("errorCode", "50140");
      Golden.assertMatches(nonInteractive.mapped().get(0), "entra-non-interactive");
    }
  }

  @Nested
  class ZeekConn {

    @Test
    void shouldMapTsvWithHeaderAndJsonConnLogs() throws Exception {
      // Given the Stratosphere captures: TSV, labelled TSV and JSON
      // When each is mapped
      SampleData.Run tsv =
          SampleData.ingest("zeek-conn", "zeek/001-zeek-scenario-malicious/conn.log");
      SampleData.Run labelled =
          SampleData.ingest("zeek-conn", "zeek/008-zeek-mixed/conn.log.labeled");
      SampleData.Run json =
          SampleData.ingest("zeek-conn", "zeek/002-zeek-scenario-port-scanning/conn.log");

      // Then every connection is a flow
      assertThat(tsv.stats().all()).containsExactly(entry("mapped:network-flow", 992L));
      assertThat(labelled.stats().all()).containsExactly(entry("mapped:network-flow", 5663L));
      assertThat(json.stats().all()).containsExactly(entry("mapped:network-flow", 4504L));
      // And labels travel as attributes: 4,201 inbound attack flows to 147.32.81.167
      assertThat(labelled.mapped())
          .filteredOn(m -> "Malicious".equals(attr(m, "label")))
          .hasSize(4201)
          .allSatisfy(m -> assertThat(m.value().get("destinationIp")).isEqualTo("147.32.81.167"));
      Golden.assertMatches(labelled.mapped().get(0), "zeek-tsv-labelled-first");
      Golden.assertMatches(json.mapped().get(0), "zeek-json-first");
    }

    @SuppressWarnings("unchecked")
    private static String attr(Mapped m, String name) {
      return ((java.util.Map<String, String>) m.value().get("attributes")).get(name);
    }
  }

  @Nested
  class Ocsf {

    @Test
    void shouldMapAuthenticationNetworkAndFindingClassesAndIgnoreOthers() throws Exception {
      // Given the OCSF example events
      String d = "ocsf/";
      // When each is mapped
      SampleData.Run win4625 =
          SampleData.ingest("ocsf", d + "3002_authentication/windows_4625_0.ocsf.json");
      SampleData.Run win4624 =
          SampleData.ingest("ocsf", d + "3002_authentication/windows_4624_0.ocsf.json");
      SampleData.Run okta =
          SampleData.ingest("ocsf", d + "3002_authentication/okta_user.session.start.ocsf.json");
      SampleData.Run aws =
          SampleData.ingest(
              "ocsf", d + "3002_authentication/aws_cloudtrail_ConsoleLogin.ocsf.json");
      SampleData.Run vpc =
          SampleData.ingest("ocsf", d + "4001_network_activity/aws_vpcflowlog.ocsf.json");
      SampleData.Run zeek =
          SampleData.ingest("ocsf", d + "4001_network_activity/zeek_conn_log.ocsf.json");
      SampleData.Run pci =
          SampleData.ingest("ocsf", d + "2003_compliance_finding/aws_securityhub_pci.ocsf.json");
      SampleData.Run detection =
          SampleData.ingest(
              "ocsf", d + "2004_detection_finding/okta_security.threat.detected.ocsf.json");
      SampleData.Run account =
          SampleData.ingest(
              "ocsf", d + "other_classes/okta_user.account.lock.3001_account_change.ocsf.json");
      SampleData.Run raw =
          SampleData.ingest("ocsf", d + "4001_network_activity/zeek_conn_log.raw.json");

      // Then
      for (SampleData.Run r : java.util.List.of(win4625, win4624, okta, aws)) {
        assertThat(r.stats().all()).containsExactly(entry("mapped:login/LOGON", 1L));
      }
      assertThat(vpc.stats().all()).containsExactly(entry("mapped:network-flow", 1L));
      assertThat(zeek.stats().all()).containsExactly(entry("mapped:network-flow", 1L));
      assertThat(pci.stats().all()).containsExactly(entry("mapped:external", 1L));
      assertThat(detection.stats().all()).containsExactly(entry("mapped:external", 1L));
      assertThat(account.stats().all()).containsExactly(entry("ignored:unsupported-class", 1L));
      assertThat(raw.stats().all()).containsExactly(entry("rejected:missing-field:class_uid", 1L));
      assertThat(((LoginEvent) aws.mapped().get(0).value()).getOutcome())
          .isEqualTo(LoginOutcome.SUCCESS);
      Golden.assertMatches(win4625.mapped().get(0), "ocsf-3002-windows-4625");
      Golden.assertMatches(vpc.mapped().get(0), "ocsf-4001-vpc-flow");
      Golden.assertMatches(pci.mapped().get(0), "ocsf-2003-pci");
    }
  }

  @Nested
  class Cloudtrail {

    @Test
    void shouldMapConsoleLoginWithSecurityKeyMfa() throws Exception {
      // Given the CloudTrail ConsoleLogin sample
      // When it is mapped
      SampleData.Run run = SampleData.ingest("cloudtrail", "aws/cloudtrail_ConsoleLogin.json");

      // Then it is a successful WebAuthn (u2f) console sign-in for anaya
      assertThat(run.stats().all()).containsExactly(entry("mapped:login/LOGON", 1L));
      Golden.assertMatches(run.mapped().get(0), "cloudtrail-console-login");
    }
  }
}
