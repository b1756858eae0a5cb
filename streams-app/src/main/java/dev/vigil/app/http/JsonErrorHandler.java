package dev.vigil.app.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Jetty's own error answers (a malformed request: 400; a URI or headers too long: 414, 431; errors
 * raised outside Javalin's routes) as the same JSON body as every other Vigil error.
 */
final class JsonErrorHandler extends ErrorHandler {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The JSON error body. */
  static String body(int status, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", status);
    body.put("error", message);
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sentence(int status, String reason) {
    String text = reason == null || reason.isBlank() ? HttpStatus.getMessage(status) : reason;
    return text.endsWith(".") ? text : text + ".";
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, "application/json");
    return ByteBuffer.wrap(body(status, sentence(status, reason)).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void handle(
      String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    int status = response.getStatus();
    Object message = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
    String text =
        message == null || status >= 500
            ? sentence(status, null)
            : sentence(status, String.valueOf(message));
    response.setContentType("application/json");
    response.setCharacterEncoding("utf-8");
    if (!"HEAD".equals(request.getMethod())) {
      response.getOutputStream().write(body(status, text).getBytes(StandardCharsets.UTF_8));
    }
    baseRequest.setHandled(true);
  }
}
