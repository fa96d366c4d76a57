package org.infogap.serve;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The soak test of {@code bench api --soak SECONDS}: the server on loopback under twice the load that saturates it,
 * for minutes, with a mix of requests: top-20s and single candidates from the store, inline images, and one request
 * in ten malformed (bad JSON, a wrong type, an unknown image, bad base64, too many candidates). The load is open
 * (requests leave at a fixed rate whatever the answers), so the server must shed what it cannot take.
 *
 * <p>It passes when every answer is a 200, the expected 4xx of a malformed request, or a 503 (load shed), none a
 * 500 or another status; and when the resident memory after the last minute is at most 1.2 times that after the first.
 * The saturating load is measured first: the same mix from 32 clients that wait for each answer, for 15 s.
 */
public final class ApiSoak {

    /** One minute of the soak: answers by kind, p99 of the accepted ones, resident memory at its end. */
    public record Minute(int minute, long sent, long ok, long expected4xx, long shed503, long server5xx, long unexpected,
                         double p99Millis, double rssMiB) {
    }

    /** The whole soak and its verdict. */
    public record Report(double saturationRps, double offeredRps, List<Minute> minutes, long dropped, boolean passed,
                         String verdict) {
    }

    /** A malformed request and the status it must get (or 503). */
    private record Bad(String body, int status) {
    }

    /** Enough waiting clients to keep the scoring queue from running dry: the server's throughput, not the clients'. */
    private static final int CALIBRATION_CLIENTS = 32;
    private static final int CALIBRATION_SECONDS = 15;
    /** Requests the client may hold unanswered before it drops new ones (counted, not sent). */
    private static final int MAX_IN_FLIGHT = 4000;

    private ApiSoak() {
    }

    public static Report run(Path model, List<Path> images, int seconds, int workers, Path store, Path inceptionWeights,
                             Path featureCache) throws Exception {
        try (ApiBench.Harness h = ApiBench.Harness.start(model, images, workers, 512, store, inceptionWeights, featureCache)) {
            List<Object> mix = mix(h);
            double saturation = calibrate(h, mix);
            double offered = 2 * saturation;
            System.out.printf(Locale.ROOT, "saturating load %.1f requests/s (32 waiting clients, this mix); offering %.1f/s for %d s%n",
                    saturation, offered, seconds);
            return soak(h, mix, saturation, offered, seconds);
        }
    }

    /** Ten requests, one of each kind in its share: 4 top-20s, 3 single registered, 2 inline, 1 malformed (cycling). */
    private static List<Object> mix(ApiBench.Harness h) {
        JsonArray tooMany = new JsonArray();
        for (int i = 0; i <= ServeConfig.DEFAULT_MAX_CANDIDATES; i++) {
            tooMany.add(new JsonObject().put("id", "c" + i).put("image", new JsonObject().put("id", h.ids().get(0))));
        }
        List<Bad> bad = List.of(new Bad("{\"text\": \"a red", 400), new Bad(new JsonObject().put("text", 7)
                        .put("candidates", h.request(1, false).getJsonArray("candidates")).encode(), 400),
                new Bad(new JsonObject().put("text", "x").put("candidates", new JsonArray().add(new JsonObject().put("id", "a")
                        .put("image", new JsonObject().put("id", "never-registered")))).encode(), 404),
                new Bad(new JsonObject().put("text", "x").put("candidates", new JsonArray().add(new JsonObject().put("id", "a")
                        .put("image", new JsonObject().put("base64", "!!!")))).encode(), 422),
                new Bad(new JsonObject().put("text", "x").put("candidates", tooMany).encode(), 413));
        List<Object> mix = new ArrayList<>();
        String top20 = h.request(20, false).encode();
        String single = h.request(1, false).encode();
        String inline = h.request(1, true).encode();
        for (int i = 0; i < 4; i++) {
            mix.add(top20);
        }
        for (int i = 0; i < 3; i++) {
            mix.add(single);
        }
        mix.add(inline);
        mix.add(inline);
        mix.add(bad); // the malformed slot takes the next of the five in turn
        return mix;
    }

    private static Object pick(List<Object> mix, long i) {
        Object o = mix.get((int) (i % mix.size()));
        if (o instanceof List<?> bad) {
            return bad.get((int) ((i / mix.size()) % bad.size()));
        }
        return o;
    }

    private static double calibrate(ApiBench.Harness h, List<Object> mix) throws InterruptedException {
        AtomicLong next = new AtomicLong();
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + CALIBRATION_SECONDS * 1_000_000_000L;
        CountDownLatch finished = new CountDownLatch(CALIBRATION_CLIENTS);
        long t0 = System.nanoTime();
        for (int c = 0; c < CALIBRATION_CLIENTS; c++) {
            closedLoop(h, mix, next, done, end, finished);
        }
        finished.await();
        return done.get() / ((System.nanoTime() - t0) / 1e9);
    }

    private static void closedLoop(ApiBench.Harness h, List<Object> mix, AtomicLong next, AtomicLong done, long end,
                                   CountDownLatch finished) {
        if (System.nanoTime() >= end) {
            finished.countDown();
            return;
        }
        send(h, pick(mix, next.getAndIncrement())).onComplete(ar -> {
            done.incrementAndGet();
            closedLoop(h, mix, next, done, end, finished);
        });
    }

    private static io.vertx.core.Future<io.vertx.ext.web.client.HttpResponse<Buffer>> send(ApiBench.Harness h, Object request) {
        String body = request instanceof Bad b ? b.body() : (String) request;
        return h.client().post(h.port(), "localhost", "/v1/candidates").putHeader("content-type", "application/json")
                .sendBuffer(Buffer.buffer(body));
    }

    private static final class Counts {
        final AtomicLong sent = new AtomicLong();
        final AtomicLong ok = new AtomicLong();
        final AtomicLong expected4xx = new AtomicLong();
        final AtomicLong shed = new AtomicLong();
        final AtomicLong server5xx = new AtomicLong();
        final AtomicLong unexpected = new AtomicLong();
        final ConcurrentLinkedQueue<Double> accepted = new ConcurrentLinkedQueue<>();
        volatile double rssMiB = Double.NaN;
    }

    private static Report soak(ApiBench.Harness h, List<Object> mix, double saturation, double rate, int seconds)
            throws InterruptedException {
        int minutes = Math.max(1, (seconds + 59) / 60);
        Map<Integer, Counts> byMinute = new ConcurrentHashMap<>();
        for (int m = 0; m < minutes; m++) {
            byMinute.put(m, new Counts());
        }
        Map<String, AtomicInteger> statuses = new ConcurrentHashMap<>();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicLong dropped = new AtomicLong();
        AtomicLong issued = new AtomicLong();
        long t0 = System.nanoTime();
        long end = t0 + seconds * 1_000_000_000L;
        CountDownLatch stopped = new CountDownLatch(1);
        // every 5 ms, send what the rate owes since the start: an open load, whatever the answers
        long timer = h.vertx().setPeriodic(5, id -> {
            long now = System.nanoTime();
            if (now >= end) {
                h.vertx().cancelTimer(id);
                stopped.countDown();
                return;
            }
            long owed = (long) ((now - t0) / 1e9 * rate);
            while (issued.get() < owed) {
                long i = issued.getAndIncrement();
                int minute = (int) Math.min(minutes - 1, (now - t0) / 60_000_000_000L);
                Counts c = byMinute.get(minute);
                if (inFlight.get() >= MAX_IN_FLIGHT) {
                    dropped.incrementAndGet();
                    continue;
                }
                Object request = pick(mix, i);
                c.sent.incrementAndGet();
                inFlight.incrementAndGet();
                long start = System.nanoTime();
                send(h, request).onComplete(ar -> {
                    inFlight.decrementAndGet();
                    int status = ar.succeeded() ? ar.result().statusCode() : -1;
                    statuses.computeIfAbsent(String.valueOf(status), k -> new AtomicInteger()).incrementAndGet();
                    if (status == 503) {
                        c.shed.incrementAndGet();
                    } else if (status >= 500) {
                        c.server5xx.incrementAndGet();
                    } else if (request instanceof Bad b) {
                        (status == b.status() ? c.expected4xx : c.unexpected).incrementAndGet();
                    } else if (status == 200) {
                        c.ok.incrementAndGet();
                        c.accepted.add((System.nanoTime() - start) / 1e6);
                    } else {
                        c.unexpected.incrementAndGet();
                    }
                });
            }
        });
        // the resident memory at each minute's end, and a progress line
        for (int m = 0; m < minutes; m++) {
            long minuteEnd = Math.min(end, t0 + (m + 1) * 60_000_000_000L);
            while (System.nanoTime() < minuteEnd) {
                Thread.sleep(Math.max(1, Math.min(1000, (minuteEnd - System.nanoTime()) / 1_000_000)));
            }
            Counts c = byMinute.get(m);
            c.rssMiB = ApiBench.rssMiB();
            Runtime rt = Runtime.getRuntime();
            System.out.printf(Locale.ROOT, "minute %d: %d sent, %d ok, %d shed (503), %d 5xx, %d unexpected; RSS %.0f MiB "
                            + "(Java heap %.0f of %.0f committed, off-heap %.0f MiB); %d in flight%n",
                    m + 1, c.sent.get(), c.ok.get(), c.shed.get(), c.server5xx.get(), c.unexpected.get(), c.rssMiB,
                    (rt.totalMemory() - rt.freeMemory()) / 1048576.0, rt.totalMemory() / 1048576.0,
                    org.bytedeco.javacpp.Pointer.totalBytes() / 1048576.0, inFlight.get());
        }
        stopped.await();
        h.vertx().cancelTimer(timer);
        long drain = System.nanoTime() + 60_000_000_000L; // answers still due: the server's timeout is 30 s
        while (inFlight.get() > 0 && System.nanoTime() < drain) {
            Thread.sleep(100);
        }
        List<Minute> out = new ArrayList<>();
        for (int m = 0; m < minutes; m++) {
            Counts c = byMinute.get(m);
            List<Double> sorted = new ArrayList<>(c.accepted);
            Collections.sort(sorted);
            double p99 = sorted.isEmpty() ? Double.NaN : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(0.99 * sorted.size()) - 1));
            out.add(new Minute(m + 1, c.sent.get(), c.ok.get(), c.expected4xx.get(), c.shed.get(), c.server5xx.get(),
                    c.unexpected.get(), p99, c.rssMiB));
        }
        long errors = out.stream().mapToLong(m -> m.server5xx() + m.unexpected()).sum();
        double growth = out.size() < 2 ? 1 : out.get(out.size() - 1).rssMiB() / out.get(0).rssMiB();
        boolean passed = errors == 0 && growth <= 1.2 && inFlight.get() == 0;
        String verdict = String.format(Locale.ROOT, "%s: %d 5xx or unexpected answers (statuses %s), resident memory %.2fx the first "
                        + "minute's (at most 1.2), %d unanswered at the end, %d not sent (client held %d)",
                passed ? "PASS" : "FAIL", errors, new java.util.TreeMap<>(statuses), growth, inFlight.get(), dropped.get(), MAX_IN_FLIGHT);
        return new Report(saturation, rate, out, dropped.get(), passed, verdict);
    }

    public static String table(Report r) {
        StringBuilder s = new StringBuilder("| minute | sent | 200 | expected 4xx | 503 (shed) | 5xx | unexpected | p99 of 200s ms | RSS MiB |\n"
                + "|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Minute m : r.minutes()) {
            s.append(String.format(Locale.ROOT, "| %d | %d | %d | %d | %d | %d | %d | %.0f | %.0f |%n", m.minute(), m.sent(), m.ok(),
                    m.expected4xx(), m.shed503(), m.server5xx(), m.unexpected(), m.p99Millis(), m.rssMiB()));
        }
        return s.append(r.verdict()).append('\n').toString();
    }
}
