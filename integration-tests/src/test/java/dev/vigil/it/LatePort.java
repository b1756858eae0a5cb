package dev.vigil.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback port that refuses connections until {@link #open()}, then forwards each connection,
 * byte for byte, to a target address: a broker or registry that "comes up" while a client is
 * already trying to reach it. A Kafka client bootstraps through it and then connects to the
 * brokers' advertised addresses directly.
 */
final class LatePort implements AutoCloseable {

  private final String targetHost;
  private final int targetPort;
  private final int port;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private ServerSocket server;

  /**
   * A closed port forwarding, once opened, to {@code target} ({@code host:port}, or the first of a
   * comma-separated list).
   */
  LatePort(String target) throws IOException {
    String first = target.split(",")[0].strip().replaceFirst("^[a-zA-Z]+://", "");
    int colon = first.lastIndexOf(':');
    this.targetHost = first.substring(0, colon);
    this.targetPort = Integer.parseInt(first.substring(colon + 1).replaceAll("/.*$", ""));
    try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      this.port = probe.getLocalPort();
    }
  }

  /** {@code 127.0.0.1:port}. */
  String address() {
    return InetAddress.getLoopbackAddress().getHostAddress() + ":" + port;
  }

  /** Starts accepting and forwarding connections. */
  synchronized void open() throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    server = s;
    Thread acceptor = new Thread(() -> accept(s), "late-port-" + port);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void accept(ServerSocket s) {
    while (!s.isClosed()) {
      try {
        Socket client = s.accept();
        Socket upstream = new Socket(targetHost, targetPort);
        sockets.add(client);
        sockets.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        // Closed, or the target refused this one connection: the client retries.
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
              } catch (IOException e) {
                // Either side closed.
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "late-port-pump-" + port);
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // Already closed.
    }
  }

  @Override
  public synchronized void close() throws IOException {
    if (server != null) {
      server.close();
    }
    sockets.forEach(LatePort::closeQuietly);
  }
}
