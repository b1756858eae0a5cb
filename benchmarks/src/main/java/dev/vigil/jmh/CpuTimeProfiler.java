package dev.vigil.jmh;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time per operation, for machines shared with other work where wall-clock time per operation
 * mostly measures waiting for a core: {@code cpu.worker} is the benchmark threads' own CPU time,
 * {@code cpu.process} the whole JVM's (garbage collection and compilation included). Use with
 * {@code -prof dev.vigil.jmh.CpuTimeProfiler}.
 */
public final class CpuTimeProfiler implements InternalProfiler {

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private long processStart;
  private long workerStart;

  @Override
  public String getDescription() {
    return "CPU time per operation: benchmark threads and whole JVM";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    processStart = os.getProcessCpuTime();
    workerStart = workerCpuTime();
  }

  @Override
  public List<? extends Result<?>> afterIteration(
      BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    long process = os.getProcessCpuTime() - processStart;
    long worker = workerCpuTime() - workerStart;
    double ops = Math.max(1, result.getMetadata().getAllOps());
    return List.of(
        new ScalarResult("cpu.worker", worker / ops, "ns/op", AggregationPolicy.AVG),
        new ScalarResult("cpu.process", process / ops, "ns/op", AggregationPolicy.AVG));
  }

  /** CPU time of JMH's worker threads (they live across iterations of one fork). */
  private long workerCpuTime() {
    long total = 0;
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().contains("jmh-worker")) {
        long cpu = threads.getThreadCpuTime(info.getThreadId());
        if (cpu > 0) {
          total += cpu;
        }
      }
    }
    return total;
  }
}
