package dev.vigil.dev.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.app.cli.OutputFormat;
import dev.vigil.app.cli.VigilCli;
import dev.vigil.dev.demo.DemoOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DemoCommandTest {

  private final StringWriter err = new StringWriter();

  private static DemoOptions parse(String... args) {
    DemoCommand demo = new DemoCommand();
    CommandLine cli = new CommandLine(new VigilCli(Map.of()));
    cli.addSubcommand(demo);
    // As VigilCli.execute does; set after adding, so the subcommand takes it too.
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    String[] all = new String[args.length + 1];
    all[0] = "demo";
    System.arraycopy(args, 0, all, 1, args.length);
    cli.parseArgs(all);
    return demo.options();
  }

  @Test
  void shouldParseEveryDemoOption() {
    // When
    DemoOptions options =
        parse(
            "--duration",
            "2m",
            "--output",
            "json",
            "--users",
            "10",
            "--seed",
            "7",
            "--data-dir",
            "/tmp/demo",
            "--port",
            "0",
            "--scorecard",
            "score.json",
            "--rate",
            "50");

    // Then
    assertThat(options.duration()).contains(Duration.ofMinutes(2));
    assertThat(options.output()).isEqualTo(OutputFormat.JSON);
    assertThat(options.users()).isEqualTo(10);
    assertThat(options.seed()).hasValue(7);
    assertThat(options.dataDir()).isEqualTo(Path.of("/tmp/demo"));
    assertThat(options.brokerPort()).isZero();
    assertThat(options.scorecard()).contains(Path.of("score.json"));
    assertThat(options.rate()).isEqualTo(50);
  }

  @Test
  void shouldUseDemoDefaults() {
    // When / Then
    assertThat(parse())
        .isEqualTo(
            new DemoOptions(
                Optional.empty(),
                OutputFormat.TEXT,
                300,
                OptionalLong.empty(),
                Path.of(".vigil"),
                9092,
                Optional.empty(),
                200));
  }

  @Test
  void shouldRejectABadDurationOrUserCountWithExitTwoBeforeStartingAnything() {
    // When / Then
    assertThat(devCli("demo", "--duration", "soon")).isEqualTo(2);
    assertThat(err.toString())
        .contains("'soon' is not a duration; use e.g. 90s, 2m, 1h, 3d or PT1M");
    assertThat(devCli("demo", "--users", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--users must be at least 1, not 0.");
  }

  private int devCli(String... args) {
    return DevCli.execute(
        Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(err), args);
  }
}
