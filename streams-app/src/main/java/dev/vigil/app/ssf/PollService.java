package dev.vigil.app.ssf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Poll-based SET delivery (RFC 8936). A poll first applies {@code ack} and {@code setErrs} (§2.4:
 * both end the transmitter's responsibility for those SETs), then answers with SETs still awaiting
 * an acknowledgement followed by new ones, at most {@code maxEvents}; with {@code
 * returnImmediately: false} it waits up to the long-poll time for a first SET. {@code
 * moreAvailable} says more are ready. A SET is re-sent until acknowledged (at-least-once, same
 * {@code jti}).
 *
 * <p>The position of each stream (next offset per partition of the SETs topic, and the SETs sent
 * but not yet acknowledged) lives in the compacted positions table, so any instance can serve the
 * next poll and a restart loses nothing.
 */
public final class PollService {

  private static final Logger LOG = LoggerFactory.getLogger(PollService.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Largest {@code maxEvents} honoured. */
  public static final int MAX_EVENTS = 500;

  private final JsonTable positions;
  private final SetLog log;
  private final SsfEvents events;
  private final Duration longPoll;
  private final Map<String, Object> locks = new ConcurrentHashMap<>();

  /**
   * @param positions the positions table
   * @param log the SETs topic
   * @param events re-issues SETs for a stream
   * @param longPoll how long a poll without {@code returnImmediately} waits for a first SET
   */
  public PollService(JsonTable positions, SetLog log, SsfEvents events, Duration longPoll) {
    this.positions = Objects.requireNonNull(positions, "positions");
    this.log = Objects.requireNonNull(log, "log");
    this.events = Objects.requireNonNull(events, "events");
    this.longPoll = Objects.requireNonNull(longPoll, "longPoll");
  }

  /**
   * A stream's stored position.
   *
   * @param next next offset per partition of the SETs topic
   * @param pending SETs sent (or queued) and not yet acknowledged, oldest first
   */
  public record Position(Map<Integer, Long> next, List<SsfEvents.Issued> pending) {

    /** Normalises nulls. */
    public Position {
      next = next == null ? Map.of() : Map.copyOf(next);
      pending = pending == null ? List.of() : List.copyOf(pending);
    }
  }

  /**
   * One poll request (RFC 8936 §2.1).
   *
   * @param maxEvents {@code maxEvents}, or null for the transmitter's choice
   * @param returnImmediately {@code returnImmediately}
   * @param ack {@code ack}
   * @param setErrs {@code setErrs}: jti to {@code {err, description}}
   */
  public record Request(
      Integer maxEvents,
      boolean returnImmediately,
      List<String> ack,
      Map<String, Map<String, Object>> setErrs) {}

  /**
   * Serves one poll.
   *
   * @param stream the stream (must be a poll stream)
   * @param request the request
   * @return the response body: {@code sets} (jti to SET) and {@code moreAvailable}
   */
  public Map<String, Object> poll(SsfStream stream, Request request) {
    int max =
        request.maxEvents() == null ? 100 : Math.max(0, Math.min(MAX_EVENTS, request.maxEvents()));
    long deadline = System.nanoTime() + (request.returnImmediately() ? 0 : longPoll.toNanos());
    synchronized (lock(stream.streamId())) {
      Position p = position(stream.streamId());
      Set<String> done = new java.util.HashSet<>(request.ack() == null ? List.of() : request.ack());
      if (request.setErrs() != null) {
        request
            .setErrs()
            .forEach(
                (jti, e) -> {
                  LOG.warn(
                      "Stream {}: the receiver reported SET {} as {}.", stream.streamId(), jti, e);
                  done.add(jti);
                });
      }
      List<SsfEvents.Issued> pending = new ArrayList<>(p.pending());
      pending.removeIf(i -> done.contains(i.jti()));
      Map<Integer, Long> next = new HashMap<>(p.next());
      boolean more = false;
      while (true) {
        if (max > 0 && pending.size() < max && SsfStream.ENABLED.equals(stream.status())) {
          SetLog.Batch batch = log.read(next, stream.startOffsets(), max - pending.size());
          for (SetLog.Entry e : batch.entries()) {
            events.reissue(stream, e.value()).ifPresent(pending::add);
          }
          next = new HashMap<>(batch.next());
          more = batch.more();
        } else if (max > 0 && SsfStream.DISABLED.equals(stream.status())) {
          // Disabled streams do not hold SETs: skip what arrived meanwhile.
          SetLog.Batch batch = log.read(next, stream.startOffsets(), MAX_EVENTS);
          next = new HashMap<>(batch.next());
        }
        if (!pending.isEmpty() || max == 0 || System.nanoTime() >= deadline) {
          break;
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      save(stream.streamId(), new Position(next, pending));
      Map<String, Object> sets = new LinkedHashMap<>();
      for (SsfEvents.Issued i : pending) {
        if (sets.size() >= max) {
          more = true;
          break;
        }
        sets.put(i.jti(), i.token());
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("sets", sets);
      body.put("moreAvailable", more);
      return body;
    }
  }

  /** Queues a transmitter event (verification, stream-updated) for the stream's next poll. */
  public void enqueue(String streamId, SsfEvents.Issued set) {
    synchronized (lock(streamId)) {
      Position p = position(streamId);
      List<SsfEvents.Issued> pending = new ArrayList<>(p.pending());
      pending.add(set);
      save(streamId, new Position(p.next(), pending));
    }
  }

  /** Where a stream created now starts reading the SETs topic. */
  public Map<Integer, Long> startOffsets() {
    return log.endOffsets();
  }

  /** Forgets a deleted stream's position. */
  public void forget(String streamId) {
    positions.delete(streamId);
  }

  /** The stored position of a stream (empty if it never polled). */
  public Position position(String streamId) {
    return positions
        .get(streamId)
        .map(
            json -> {
              try {
                return JSON.readValue(json, Position.class);
              } catch (JsonProcessingException e) {
                throw new IllegalStateException(
                    "The stored poll position of stream " + streamId + " is not valid JSON.", e);
              }
            })
        .orElse(new Position(Map.of(), List.of()));
  }

  private void save(String streamId, Position p) {
    try {
      positions.put(streamId, JSON.writeValueAsString(p));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Could not write a poll position.", e);
    }
  }

  private Object lock(String streamId) {
    return locks.computeIfAbsent(streamId, k -> new Object());
  }
}
