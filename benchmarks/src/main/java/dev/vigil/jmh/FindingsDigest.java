package dev.vigil.jmh;

import dev.vigil.risk.detect.BaselineBundle;
import dev.vigil.risk.detect.BaselineBundleCodec;
import dev.vigil.risk.detect.DetectionEngine;
import dev.vigil.risk.signal.DetectorGroup;
import dev.vigil.risk.signal.SignalFamilies;
import dev.vigil.schema.RiskFinding;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A check that a change to the detection path leaves its results alone: every detector group over a
 * generated workload as its processor runs it with a cold cache (each key's bundle encoded after
 * every event and decoded again before the next, so every baseline goes through its codec each
 * time), printing a SHA-256 digest of all findings per group and in total, and the encoded bundle
 * bytes per key of each baseline store at the end. Two builds agree on detection when they print
 * the same digests.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.vigil.jmh.FindingsDigest [users]
 * [history-days]} (defaults 1000 and 7).
 */
public final class FindingsDigest {

  private FindingsDigest() {}

  /** Prints the digests and sizes. */
  public static void main(String[] args) throws Exception {
    int users = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int days = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    Workload workload = new Workload(users, days);
    System.out.printf("%d users, %d days: %d events%n", users, days, workload.events().size());
    MessageDigest all = MessageDigest.getInstance("SHA-256");
    long totalFindings = 0;
    long totalBytes = 0;
    long nanos = 0;
    for (DetectorGroup<?> group : SignalFamilies.GROUPS) {
      long t = System.nanoTime();
      Result r = run(workload, group);
      nanos += System.nanoTime() - t;
      byte[] digest = r.digest.digest();
      all.update(digest);
      totalFindings += r.findings;
      totalBytes += r.bytes;
      System.out.printf(
          "%-18s %6d keys %7d events %6d findings %s, %7.1f bytes/key%n",
          Workload.name(group),
          r.keys,
          r.events,
          r.findings,
          HexFormat.of().formatHex(digest),
          r.keys == 0 ? 0.0 : (double) r.bytes / r.keys);
    }
    System.out.printf(
        "total %d findings %s; %d baseline bytes, %.1f per user; detection %d ms%n",
        totalFindings,
        HexFormat.of().formatHex(all.digest()),
        totalBytes,
        (double) totalBytes / users,
        nanos / 1_000_000);
  }

  private static final class Result {
    final MessageDigest digest;
    long keys;
    long events;
    long findings;
    long bytes;

    Result() throws Exception {
      digest = MessageDigest.getInstance("SHA-256");
    }
  }

  private static <S> Result run(Workload workload, DetectorGroup<S> group) throws Exception {
    Result r = new Result();
    DetectionEngine<S> engine = workload.engine(group);
    if (engine.detectors().isEmpty()) {
      return r;
    }
    BaselineBundleCodec codec = BaselineBundleCodec.forDetectors(engine.detectors());
    Map<String, byte[]> stored = new HashMap<>();
    for (Map.Entry<String, List<S>> e : workload.eventsByKey(group).entrySet()) {
      for (S event : e.getValue()) {
        byte[] before = stored.get(e.getKey());
        BaselineBundle bundle = before == null ? new BaselineBundle() : codec.decode(before);
        for (RiskFinding f : engine.observe(event, bundle, workload.context())) {
          r.digest.update(f.toString().getBytes(StandardCharsets.UTF_8));
          r.findings++;
        }
        stored.put(e.getKey(), codec.encode(bundle));
        r.events++;
      }
    }
    r.keys = stored.size();
    r.bytes = stored.values().stream().mapToLong(b -> b.length).sum();
    return r;
  }
}
