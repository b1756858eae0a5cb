package dev.vigil.app.ssf;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An RFC 8935 push receiver written from the RFC, with no Vigil code: records each POST (headers
 * and body) and answers from a script of (status, JSON body), then 202 once the script is used up.
 */
final class PushReceiverStub implements AutoCloseable {

  /** One recorded request. */
  record Received(String contentType, String accept, String authorization, String body) {}

  /** One scripted answer. */
  record Answer(int status, String json) {}

  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Queue<Answer> script = new ConcurrentLinkedQueue<>();

  PushReceiverStub() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/events",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            received.add(
                new Received(
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Accept"),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    new String(in.readAllBytes(), StandardCharsets.UTF_8)));
          }
          Answer a = script.poll();
          if (a == null) {
            exchange.sendResponseHeaders(202, -1);
          } else {
            byte[] b = a.json() == null ? new byte[0] : a.json().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(a.status(), b.length == 0 ? -1 : b.length);
            if (b.length > 0) {
              try (OutputStream out = exchange.getResponseBody()) {
                out.write(b);
              }
            }
          }
          exchange.close();
        });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/events";
  }

  void then(int status, String json) {
    script.add(new Answer(status, json));
  }

  List<Received> received() {
    return received;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
