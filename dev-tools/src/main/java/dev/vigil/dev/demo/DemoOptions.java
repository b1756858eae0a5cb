package dev.vigil.dev.demo;

import dev.vigil.app.cli.OutputFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The options of {@code vigil demo}, parsed and validated.
 *
 * @param duration how long to run; empty to run until Ctrl-C
 * @param output output format on standard output
 * @param users number of simulated users, at least 1
 * @param seed random seed for reproducible traffic; empty for a random one
 * @param dataDir directory for the demo's broker data and state
 * @param brokerPort PLAINTEXT port of the embedded broker; 0 picks a free one
 * @param scorecard file to write the detection scorecard to; empty for none
 * @param rate generated events per second, at least 1
 */
public record DemoOptions(
    Optional<Duration> duration,
    OutputFormat output,
    int users,
    OptionalLong seed,
    Path dataDir,
    int brokerPort,
    Optional<Path> scorecard,
    int rate) {}
