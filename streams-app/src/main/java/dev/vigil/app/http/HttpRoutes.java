package dev.vigil.app.http;

import io.javalin.Javalin;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Where routes are added to the HTTP API, each with the scope it requires: every route is
 * authenticated unless added with a null scope, every {@code GET} also answers {@code HEAD} with
 * the same status and headers, and every other method on a known path answers 405 with {@code
 * Allow}. Other parts of Vigil (e.g. the SSF transmitter) add theirs through {@link
 * HttpApi.Builder#extension}.
 */
public final class HttpRoutes {

  private static final List<HandlerType> METHODS =
      List.of(
          HandlerType.GET,
          HandlerType.HEAD,
          HandlerType.POST,
          HandlerType.PUT,
          HandlerType.PATCH,
          HandlerType.DELETE,
          HandlerType.OPTIONS);

  private final Javalin app;
  private final Authorizer authorizer;
  private final Map<String, Set<HandlerType>> served = new LinkedHashMap<>();

  HttpRoutes(Javalin app, Authorizer authorizer) {
    this.app = app;
    this.authorizer = authorizer;
  }

  /**
   * Lets a component register its own Javalin handlers, which authorize callers themselves (the SSF
   * transmitter's routes check their scopes per RFC 8935/8936 error rules).
   */
  public void javalin(java.util.function.Consumer<Javalin> routes) {
    routes.accept(app);
  }

  /** The authorizer, for handlers that check more than one scope. */
  public Authorizer authorizer() {
    return authorizer;
  }

  /**
   * Adds a route.
   *
   * @param method the method; {@code GET} adds {@code HEAD} too
   * @param path a Javalin path, e.g. {@code /ssf/streams/{id}}
   * @param scope the scope a caller needs (see {@link Scopes}), or null for no authentication
   * @param handler the handler
   */
  public void add(HandlerType method, String path, String scope, Handler handler) {
    Objects.requireNonNull(handler, "handler");
    Handler checked =
        scope == null
            ? handler
            : ctx -> {
              authorizer.require(ctx, scope);
              handler.handle(ctx);
            };
    register(method, path, checked);
    if (method == HandlerType.GET) {
      register(HandlerType.HEAD, path, checked);
    }
  }

  /** Shorthand for {@code add(GET, path, scope, handler)}. */
  public void get(String path, String scope, Handler handler) {
    add(HandlerType.GET, path, scope, handler);
  }

  private void register(HandlerType method, String path, Handler handler) {
    Set<HandlerType> methods = served.computeIfAbsent(path, p -> EnumSet.noneOf(HandlerType.class));
    if (!methods.add(method)) {
      throw new IllegalArgumentException(method + " " + path + " is added twice.");
    }
    app.addHttpHandler(method, path, handler);
  }

  /** Answers 405 (or 204 to {@code OPTIONS}) with {@code Allow} for the methods a path lacks. */
  void finish() {
    served.forEach(
        (path, methods) -> {
          Set<HandlerType> allowed = EnumSet.copyOf(methods);
          allowed.add(HandlerType.OPTIONS);
          String allow = allowed.stream().map(Enum::name).collect(Collectors.joining(", "));
          for (HandlerType m : METHODS) {
            if (methods.contains(m)) {
              continue;
            }
            if (m == HandlerType.OPTIONS) {
              app.addHttpHandler(m, path, ctx -> ctx.header("Allow", allow).status(204));
            } else {
              app.addHttpHandler(
                  m,
                  path,
                  ctx -> {
                    throw new ApiError(
                        405,
                        "Method " + ctx.method() + " is not allowed here; use " + allow + ".",
                        Map.of("Allow", allow));
                  });
            }
          }
        });
  }

  /**
   * The served routes in OpenAPI form: path (parameters as {@code {name}}) to lower-case methods,
   * {@code head} and the 405/OPTIONS answers left out.
   */
  public Map<String, Set<String>> served() {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    served.forEach(
        (path, methods) ->
            out.put(
                path.replace('<', '{').replace('>', '}'),
                methods.stream()
                    .filter(m -> m != HandlerType.HEAD)
                    .map(m -> m.name().toLowerCase(java.util.Locale.ROOT))
                    .collect(Collectors.toCollection(TreeSet::new))));
    return out;
  }
}
