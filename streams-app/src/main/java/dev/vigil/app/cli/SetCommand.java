package dev.vigil.app.cli;

import dev.vigil.enforcement.SetSigner;
import dev.vigil.enforcement.SetVerificationException;
import dev.vigil.enforcement.SetVerifier;
import dev.vigil.enforcement.VerifiedSet;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vigil set}: verify CAEP Security Event Tokens and make signing keys. */
@Command(
    name = "set",
    description = "Verify CAEP Security Event Tokens (SETs) and make their signing keys.",
    subcommands = {SetCommand.Verify.class, SetCommand.Keygen.class})
public final class SetCommand implements Callable<Integer> {

  private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(10);

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  /** Creates the command. */
  public SetCommand() {}

  /** With no subcommand: print usage on standard error. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return VigilCli.USAGE;
  }

  /** {@code vigil set verify TOKEN JWKS}: exit 0 for a valid SET, 1 with one sentence if not. */
  @Command(
      name = "verify",
      description =
          "Verify a SET's signature and structure against a JWKS; print its claims and exit 0 if"
              + " it is valid.")
  public static final class Verify implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "TOKEN", description = "The SET (compact JWS) or @FILE.")
    String token;

    @Parameters(
        index = "1",
        paramLabel = "JWKS",
        description = "The signer's JWK set: a file, an http(s) URL or inline JSON.")
    String jwks;

    @Option(names = "--issuer", paramLabel = "ISS", description = "Require this issuer (iss).")
    String issuer;

    @Option(
        names = "--audience",
        paramLabel = "AUD",
        description = "Require this value in the audience (aud).")
    String audience;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    /** Creates the command. */
    public Verify() {}

    @Override
    public Integer call() {
      String compact = token.startsWith("@") ? readFile(token.substring(1), "token") : token;
      VerifiedSet set;
      try {
        set = SetVerifier.fromJwksJson(jwksJson(), issuer, audience).verify(compact);
      } catch (SetVerificationException e) {
        throw new CliFailure(VigilCli.FAILED, e.getMessage());
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println("The SET is valid (signed with key " + set.keyId() + ").");
      out.println("issuer:     " + set.issuer());
      if (!set.audience().isEmpty()) {
        out.println("audience:   " + String.join(", ", set.audience()));
      }
      out.println(
          "subject:    "
              + set.subject().orElse("?")
              + "  (sub_id format "
              + set.subId().get("format")
              + ")");
      out.println("event:      " + set.eventType());
      out.println("reason:     " + set.reasonAdmin().orElse("(none)"));
      out.println("issued at:  " + set.issuedAt());
      out.println("jti:        " + set.jti());
      if (set.txn() != null) {
        out.println("txn:        " + set.txn());
      }
      out.flush();
      return VigilCli.OK;
    }

    private String jwksJson() {
      String s = jwks.strip();
      if (s.startsWith("{")) {
        return s;
      }
      if (s.startsWith("http://") || s.startsWith("https://")) {
        return fetch(s);
      }
      return readFile(s, "JWKS");
    }

    private static String fetch(String url) {
      try {
        HttpResponse<String> response =
            HttpClient.newBuilder()
                .connectTimeout(FETCH_TIMEOUT)
                .build()
                .send(
                    HttpRequest.newBuilder(URI.create(url)).timeout(FETCH_TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
          throw new CliFailure(
              VigilCli.FAILED,
              "Fetching the JWKS from " + url + " returned HTTP " + response.statusCode() + ".");
        }
        return response.body();
      } catch (IOException | IllegalArgumentException e) {
        throw new CliFailure(
            VigilCli.FAILED, "Cannot fetch the JWKS from " + url + ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliFailure(VigilCli.FAILED, "Interrupted while fetching the JWKS.");
      }
    }
  }

  /** {@code vigil set keygen}: a PKCS12 keystore with an RSA 2048 key for signing SETs. */
  @Command(
      name = "keygen",
      description =
          "Create a PKCS12 keystore with an RSA 2048 key for signing SETs (uses keytool).")
  public static final class Keygen implements Callable<Integer> {

    @Option(
        names = "--keystore",
        paramLabel = "FILE",
        required = true,
        description = "File to create.")
    Path keystore;

    @Option(names = "--password", paramLabel = "P", required = true, description = "Its password.")
    String password;

    @Option(
        names = "--alias",
        paramLabel = "ALIAS",
        defaultValue = "vigil-sets",
        description = "Key entry name (default: ${DEFAULT-VALUE}).")
    String alias;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    /** Creates the command. */
    public Keygen() {}

    @Override
    public Integer call() throws Exception {
      if (Files.exists(keystore)) {
        throw new CliFailure(
            VigilCli.USAGE, "The keystore " + keystore + " already exists; choose a new file.");
      }
      if (password.length() < 6) {
        throw new CliFailure(VigilCli.USAGE, "The keystore password needs at least 6 characters.");
      }
      Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
      ProcessBuilder p =
          new ProcessBuilder(
                  List.of(
                      keytool.toString(),
                      "-genkeypair",
                      "-keyalg",
                      "RSA",
                      "-keysize",
                      "2048",
                      "-sigalg",
                      "SHA256withRSA",
                      "-alias",
                      alias,
                      "-dname",
                      "CN=vigil SET signer",
                      "-validity",
                      "825",
                      "-storetype",
                      "PKCS12",
                      "-keystore",
                      keystore.toString(),
                      "-storepass:env",
                      "VIGIL_KEYGEN_PASSWORD"))
              .redirectErrorStream(true);
      // The password goes through the environment, never the process list.
      p.environment().put("VIGIL_KEYGEN_PASSWORD", password);
      Process keytoolRun;
      try {
        keytoolRun = p.start();
      } catch (IOException e) {
        throw new CliFailure(VigilCli.FAILED, "Cannot run keytool from " + keytool + ".");
      }
      String output = new String(keytoolRun.getInputStream().readAllBytes());
      if (!keytoolRun.waitFor(60, TimeUnit.SECONDS) || keytoolRun.exitValue() != 0) {
        throw new CliFailure(VigilCli.FAILED, "keytool failed: " + output.strip());
      }
      SetSigner signer = SetSigner.fromKeystore(keystore, password.toCharArray(), alias);
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          "Created "
              + keystore
              + " with key '"
              + alias
              + "' (kid "
              + signer.keyId()
              + "); set sets.keystore.path, sets.keystore.password and sets.key.alias to use it.");
      out.flush();
      return VigilCli.OK;
    }
  }

  private static String readFile(String path, String what) {
    try {
      return Files.readString(Path.of(path)).strip();
    } catch (NoSuchFileException e) {
      throw new CliFailure(VigilCli.FAILED, "The " + what + " file " + path + " does not exist.");
    } catch (IOException | java.nio.file.InvalidPathException e) {
      throw new CliFailure(
          VigilCli.FAILED, "Cannot read the " + what + " file " + path + ": " + e.getMessage());
    }
  }
}
