package dev.crier.api;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import tools.jackson.databind.node.ObjectNode;

/**
 * Answers requests Jetty refuses before any route sees them (a path with {@code %00} or bad UTF-8
 * such as {@code %ED%A0%80}, a URI or headers too long) as problem+json like every other refusal,
 * instead of Jetty's HTML page.
 */
final class JettyErrors {
  private JettyErrors() {}

  /** For the server, which answers what Jetty refuses before a context sees it (a bad path or request line). */
  static final class ForServer extends org.eclipse.jetty.server.handler.ErrorHandler {
    @Override
    public boolean errorPageForMethod(String method) {
      return true; // a refused DELETE or PUT deserves the problem as much as a GET
    }

    @Override
    protected boolean generateAcceptableResponse(
        Request request, Response response, Callback callback, String contentType, List<Charset> charsets, int code, String message, Throwable cause) {
      // Jetty closes the connection after a request it could not parse; saying so keeps a
      // client from sending its next request on a connection about to close.
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
      return problem(response, callback, code, message);
    }
  }

  /** For the servlet context, should a refusal arise inside it. */
  static final class ForContext extends org.eclipse.jetty.ee10.servlet.ErrorHandler {
    @Override
    public boolean errorPageForMethod(String method) {
      return true; // a refused DELETE or PUT deserves the problem as much as a GET
    }

    @Override
    protected boolean generateAcceptableResponse(
        Request request, Response response, Callback callback, String contentType, List<Charset> charsets, int code, String message, Throwable cause) {
      return problem(response, callback, code, message);
    }
  }

  private static boolean problem(Response response, Callback callback, int code, String message) {
    String reason = message == null || message.isBlank() ? HttpStatus.getMessage(code) : message;
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("type", "urn:crier:problem:" + (code == 400 ? "bad-request" : "http-" + code));
    body.put("title", HttpStatus.getMessage(code));
    body.put("status", code);
    body.put("detail", "the request could not be read: " + reason);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problems.CONTENT_TYPE);
    response.write(true, ByteBuffer.wrap(Json.MAPPER.writeValueAsBytes(body)), callback);
    return true;
  }
}
