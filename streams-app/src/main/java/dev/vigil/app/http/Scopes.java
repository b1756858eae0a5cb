package dev.vigil.app.http;

import java.util.List;

/** The OAuth 2.0 scopes Vigil's HTTP API checks. */
public final class Scopes {

  /** Read a subject's risk and findings. */
  public static final String RISK_READ = "risk.read";

  /** Read SSF streams, their status and subjects. */
  public static final String SSF_READ = "ssf.read";

  /** Create, change and delete SSF streams and their subjects. */
  public static final String SSF_MANAGE = "ssf.manage";

  /** Scrape {@code /metrics}. */
  public static final String METRICS_READ = "metrics.read";

  /** Read {@code /ready} and the JWKS when they are not open. */
  public static final String STATUS_READ = "status.read";

  /** Every scope, granted to allowed mTLS clients and static-token callers. */
  public static final List<String> ALL =
      List.of(RISK_READ, SSF_READ, SSF_MANAGE, METRICS_READ, STATUS_READ);

  private Scopes() {}
}
