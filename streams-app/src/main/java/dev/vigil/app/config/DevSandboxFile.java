package dev.vigil.app.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The small env file a running {@code vigil dev} sandbox writes ({@code .vigil/dev.env}: shell
 * {@code KEY=value} lines, so it can also be sourced): where its broker, registry and HTTP API are,
 * and the sandbox's process id. Other commands read it as a configuration layer while that process
 * is alive; a file left by a sandbox that died is ignored.
 */
public final class DevSandboxFile {

  /** The file name inside the data directory. */
  public static final String FILE_NAME = "dev.env";

  /** Where commands look for it, relative to the working directory. */
  public static final String DEFAULT_PATH = ".vigil/" + FILE_NAME;

  /** The sandbox's HTTP API base URL (not a setting: for people and scripts). */
  public static final String HTTP_URL = "VIGIL_HTTP_URL";

  /** The sandbox's process id. */
  public static final String PID = "VIGIL_DEV_PID";

  private DevSandboxFile() {}

  /** Writes the file for this process. */
  public static void write(Path file, String bootstrap, String registryUrl, String httpUrl)
      throws IOException {
    Files.writeString(
        file,
        String.join(
            "\n",
            "# Written by vigil dev; removed when it stops.",
            "VIGIL_BOOTSTRAP_SERVERS=" + bootstrap,
            "VIGIL_SCHEMA_REGISTRY_URL=" + registryUrl,
            HTTP_URL + "=" + httpUrl,
            PID + "=" + ProcessHandle.current().pid(),
            ""));
  }

  /**
   * The variables of a live sandbox's file, without the process id and HTTP URL; empty when there
   * is no file or its process is gone.
   */
  public static Map<String, String> read(Path file) {
    Map<String, String> vars = new LinkedHashMap<>();
    if (!Files.isRegularFile(file)) {
      return vars;
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      return vars;
    }
    for (String line : lines) {
      int eq = line.indexOf('=');
      if (!line.startsWith("#") && eq > 0) {
        vars.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
      }
    }
    String pid = vars.remove(PID);
    vars.remove(HTTP_URL);
    boolean alive =
        pid != null
            && pid.matches("\\d+")
            && ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
    return alive ? vars : Map.of();
  }
}
