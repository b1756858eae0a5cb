package dev.vigil.app;

import dev.vigil.app.cli.PipelineRunner;
import dev.vigil.app.config.VigilConfig;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/** {@code vigil run}: the pipeline against an existing cluster, until stopped. */
public final class VigilRun implements PipelineRunner {

  @Override
  public int run(VigilConfig config, PrintWriter out) throws Exception {
    CountDownLatch stop = new CountDownLatch(1);
    Thread hook = new Thread(stop::countDown, "vigil-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try (VigilApplication app = new VigilApplication(config, Duration.ofSeconds(10))) {
      app.start(Duration.ofMinutes(2));
      out.println(
          "Vigil is running as '"
              + config.applicationId()
              + "' against "
              + config.bootstrapServers()
              + "; Ctrl-C stops it.");
      out.flush();
      stop.await();
      return 0;
    }
  }
}
