package dev.vigil.dev.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (combined KRaft broker and controller) running in this JVM, built
 * from Kafka's own server classes. Both listeners bind to 127.0.0.1 only.
 *
 * <p>The data directory is formatted with Kafka's own {@link Formatter} on first use and reused on
 * later starts (the cluster id is read back from {@code meta.properties}). Settings are those of a
 * single-node development cluster: replication 1 for internal topics, no automatic topic creation,
 * no initial rebalance delay, small segments. Transactions (exactly-once) work.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().port(0).build().start()) {
 *   String bootstrap = broker.bootstrapServers();
 * }
 * }</pre>
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  /** Default PLAINTEXT port. */
  public static final int DEFAULT_PORT = 9092;

  /** Default data directory, relative to the working directory. */
  public static final Path DEFAULT_DATA_DIR = Path.of(".vigil", "kafka");

  /** Default bound on how long {@link #start()} waits for the broker to be ready. */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
  private static final String HOST = "127.0.0.1";
  private static final int NODE_ID = 1;
  private static final String CONTROLLER_LISTENER = "CONTROLLER";
  private static final String META_PROPERTIES = "meta.properties";
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
  private static final int EPHEMERAL_BIND_ATTEMPTS = 3;

  private final int requestedPort;
  private final int requestedControllerPort;
  private final Path dataDir;
  private final Duration startTimeout;
  private final Map<String, String> overrides;

  private final Object lock = new Object();
  private KafkaRaftServer server;
  private int port = -1;
  private String clusterId;
  private Duration startDuration;
  private boolean closed;

  private EmbeddedKafkaBroker(Builder builder) {
    this.requestedPort = builder.port;
    this.requestedControllerPort = builder.controllerPort;
    this.dataDir = builder.dataDir.toAbsolutePath().normalize();
    this.startTimeout = builder.startTimeout;
    this.overrides = Map.copyOf(builder.overrides);
  }

  /** A builder with the defaults: port 9092, ephemeral controller port, {@code .vigil/kafka}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Formats the data directory if needed, starts the broker and blocks until an admin client can
   * describe the cluster.
   *
   * @return this broker, started
   * @throws IllegalStateException if the broker is already started or closed
   * @throws EmbeddedKafkaException if the broker cannot start or is not ready within the start
   *     timeout
   */
  public EmbeddedKafkaBroker start() {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("The embedded Kafka broker is closed.");
      }
      if (server != null) {
        throw new IllegalStateException("The embedded Kafka broker is already started.");
      }
      long begin = System.nanoTime();
      createDataDir();
      clusterId = readClusterId().orElse(null);
      boolean ephemeral = requestedPort == 0 || requestedControllerPort == 0;
      int attempts = ephemeral ? EPHEMERAL_BIND_ATTEMPTS : 1;
      for (int attempt = 1; ; attempt++) {
        int brokerPort = requestedPort == 0 ? freePort() : requestedPort;
        int controllerPort = requestedControllerPort == 0 ? freePort() : requestedControllerPort;
        try {
          startOnce(brokerPort, controllerPort, begin);
          return this;
        } catch (EmbeddedKafkaException e) {
          if (attempt >= attempts || !isBindFailure(e)) {
            throw e;
          }
          LOG.info("Ephemeral port was taken meanwhile; retrying with another one.");
        }
      }
    }
  }

  private void startOnce(int brokerPort, int controllerPort, long begin) {
    Map<String, String> props = brokerProperties(brokerPort, controllerPort);
    KafkaConfig config = new KafkaConfig(props, false);
    if (clusterId == null) {
      clusterId = format();
      LOG.info("Formatted new Kafka data directory {} (cluster id {})", dataDir, clusterId);
    } else {
      LOG.info("Reusing Kafka data directory {} (cluster id {})", dataDir, clusterId);
    }
    KafkaRaftServer raftServer = new KafkaRaftServer(config, Time.SYSTEM);
    server = raftServer;
    port = brokerPort;
    long deadline = begin + startTimeout.toNanos();
    try {
      startup(raftServer, deadline);
      awaitReady(deadline);
    } catch (RuntimeException e) {
      shutdownQuietly(raftServer);
      server = null;
      port = -1;
      throw e;
    }
    startDuration = Duration.ofNanos(System.nanoTime() - begin);
    LOG.info("Kafka broker ready on {} in {} ms", bootstrapServers(), startDuration.toMillis());
  }

  private Map<String, String> brokerProperties(int brokerPort, int controllerPort) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(NODE_ID));
    p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
    p.put(
        "listeners",
        "PLAINTEXT://"
            + HOST
            + ":"
            + brokerPort
            + ","
            + CONTROLLER_LISTENER
            + "://"
            + HOST
            + ":"
            + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
    p.put("controller.listener.names", CONTROLLER_LISTENER);
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", dataDir.toString());
    // Single node: every internal topic and every write needs just this one replica.
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "6");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "6");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "false");
    p.put("num.partitions", "1");
    // Demo-sized logs and small fixed buffers, so a laptop is not asked for GiBs.
    p.put("log.segment.bytes", Integer.toString(16 * 1024 * 1024));
    p.put("log.index.size.max.bytes", Integer.toString(1024 * 1024));
    p.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
    p.put("log.cleaner.threads", "1");
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "4");
    p.put("num.recovery.threads.per.data.dir", "1");
    p.put("background.threads", "4");
    // Faster unfencing after start: the broker heartbeats the (local) controller more often.
    p.put("broker.heartbeat.interval.ms", "500");
    p.put("broker.session.timeout.ms", "9000");
    p.put("controlled.shutdown.enable", "true");
    p.putAll(overrides);
    return p;
  }

  private String format() {
    String id = Uuid.randomUuid().toString();
    try (PrintStream quiet = new PrintStream(OutputStream.nullOutputStream())) {
      new Formatter()
          .setPrintStream(quiet)
          .setNodeId(NODE_ID)
          .setClusterId(id)
          .setDirectories(List.of(dataDir.toString()))
          .setMetadataLogDirectory(dataDir.toString())
          .setControllerListenerName(CONTROLLER_LISTENER)
          .setReleaseVersion(MetadataVersion.latestProduction())
          .run();
    } catch (Exception e) {
      throw new EmbeddedKafkaException(
          "Could not format the Kafka data directory " + dataDir + ": " + e.getMessage(), e);
    }
    return id;
  }

  private static void startup(KafkaRaftServer raftServer, long deadline) {
    Thread starter = new Thread(raftServer::startup, "vigil-embedded-kafka-start");
    starter.setDaemon(true);
    Throwable[] failure = new Throwable[1];
    starter.setUncaughtExceptionHandler((t, e) -> failure[0] = e);
    starter.start();
    try {
      starter.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedKafkaException("Interrupted while starting the Kafka broker.", e);
    }
    if (starter.isAlive()) {
      throw new EmbeddedKafkaException(
          "The Kafka broker did not start within the start timeout.", null);
    }
    if (failure[0] != null) {
      throw new EmbeddedKafkaException(
          "The Kafka broker failed to start: " + rootMessage(failure[0]), failure[0]);
    }
  }

  private void awaitReady(long deadline) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
    config.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 50);
    config.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 50);
    config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
    Throwable last = null;
    try (Admin admin = Admin.create(config)) {
      while (System.nanoTime() < deadline) {
        long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        int timeoutMs = (int) Math.max(100, Math.min(5_000, remainingMs));
        try {
          int brokers =
              admin
                  .describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs))
                  .nodes()
                  .get(timeoutMs, TimeUnit.MILLISECONDS)
                  .size();
          if (brokers > 0) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          last = e instanceof ExecutionException ? e.getCause() : e;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new EmbeddedKafkaException("Interrupted while waiting for the Kafka broker.", e);
        }
        pause(100);
      }
    }
    throw new EmbeddedKafkaException(
        "The Kafka broker on "
            + bootstrapServers()
            + " was not ready within "
            + startTimeout.toSeconds()
            + " s"
            + (last == null ? "." : ": " + rootMessage(last)),
        last);
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedKafkaException("Interrupted while waiting for the Kafka broker.", e);
    }
  }

  /**
   * The bootstrap servers of the PLAINTEXT listener, e.g. {@code 127.0.0.1:9092}.
   *
   * @throws IllegalStateException if the broker is not running
   */
  public String bootstrapServers() {
    return HOST + ":" + port();
  }

  /**
   * The actual PLAINTEXT port, also when port 0 (ephemeral) was requested.
   *
   * @throws IllegalStateException if the broker is not running
   */
  public int port() {
    synchronized (lock) {
      if (server == null || port < 0) {
        throw new IllegalStateException("The embedded Kafka broker is not running.");
      }
      return port;
    }
  }

  /** The cluster id, known once the broker has started. */
  public String clusterId() {
    return clusterId;
  }

  /** The absolute data directory. */
  public Path dataDir() {
    return dataDir;
  }

  /** How long the last {@link #start()} took until the broker was ready, or null before. */
  public Duration startDuration() {
    return startDuration;
  }

  /** Whether the broker has been started and not closed. */
  public boolean isRunning() {
    synchronized (lock) {
      return server != null;
    }
  }

  /** Stops the broker, waiting at most 30 s. Calling it again does nothing. */
  @Override
  public void close() {
    KafkaRaftServer toStop;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      toStop = server;
      server = null;
    }
    if (toStop != null) {
      long begin = System.nanoTime();
      shutdownQuietly(toStop);
      LOG.info(
          "Kafka broker stopped in {} ms",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
    }
  }

  private static void shutdownQuietly(KafkaRaftServer raftServer) {
    Thread stopper =
        new Thread(
            () -> {
              raftServer.shutdown();
              raftServer.awaitShutdown();
            },
            "vigil-embedded-kafka-stop");
    stopper.setDaemon(true);
    stopper.setUncaughtExceptionHandler(
        (t, e) -> LOG.warn("Kafka broker shutdown failed: {}", rootMessage(e)));
    stopper.start();
    try {
      stopper.join(CLOSE_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (stopper.isAlive()) {
      LOG.warn("Kafka broker did not stop within {} s; leaving it", CLOSE_TIMEOUT.toSeconds());
    }
  }

  private void createDataDir() {
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new EmbeddedKafkaException(
          "Could not create the Kafka data directory " + dataDir + ": " + e.getMessage(), e);
    }
  }

  private java.util.Optional<String> readClusterId() {
    Path meta = dataDir.resolve(META_PROPERTIES);
    if (!Files.isRegularFile(meta)) {
      return java.util.Optional.empty();
    }
    Properties props = new Properties();
    try (InputStream in = Files.newInputStream(meta)) {
      props.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String id = props.getProperty("cluster.id");
    if (id == null || id.isBlank()) {
      throw new EmbeddedKafkaException(
          meta + " has no cluster.id; delete " + dataDir + " to start from scratch.", null);
    }
    return java.util.Optional.of(id);
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new EmbeddedKafkaException("Could not find a free port on " + HOST + ".", e);
    }
  }

  private static boolean isBindFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException
          || (t.getMessage() != null && t.getMessage().contains("Address already in use"))) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

  /** Builds an {@link EmbeddedKafkaBroker}; every setting has a default. */
  public static final class Builder {
    private int port = DEFAULT_PORT;
    private int controllerPort = 0;
    private Path dataDir = DEFAULT_DATA_DIR;
    private Duration startTimeout = DEFAULT_START_TIMEOUT;
    private final Map<String, String> overrides = new LinkedHashMap<>();

    private Builder() {}

    /** PLAINTEXT port on 127.0.0.1; 0 picks a free one (see {@link #port()}). Default 9092. */
    public Builder port(int port) {
      this.port = checkPort(port);
      return this;
    }

    /** CONTROLLER port on 127.0.0.1; 0 (the default) picks a free one. */
    public Builder controllerPort(int controllerPort) {
      this.controllerPort = checkPort(controllerPort);
      return this;
    }

    /** Data directory; formatted on first use, reused afterwards. Default {@code .vigil/kafka}. */
    public Builder dataDir(Path dataDir) {
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
      return this;
    }

    /** Bound on how long {@link EmbeddedKafkaBroker#start()} waits. Default 30 s. */
    public Builder startTimeout(Duration startTimeout) {
      Objects.requireNonNull(startTimeout, "startTimeout");
      if (startTimeout.isNegative() || startTimeout.isZero()) {
        throw new IllegalArgumentException("The start timeout must be positive.");
      }
      this.startTimeout = startTimeout;
      return this;
    }

    /** Overrides or adds one broker setting (a Kafka server property). */
    public Builder brokerProperty(String key, String value) {
      overrides.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** The broker, not yet started. */
    public EmbeddedKafkaBroker build() {
      return new EmbeddedKafkaBroker(this);
    }

    private static int checkPort(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("Port " + port + " is not between 0 and 65535.");
      }
      return port;
    }
  }
}
