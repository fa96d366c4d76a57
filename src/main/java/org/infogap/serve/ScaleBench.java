package org.infogap.serve;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import javax.imageio.ImageIO;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.infogap.io.ProcessMemory;

/**
 * What the image store costs as the collection grows: the store is filled with synthetic features (storage is
 * measured, not accuracy) to each size in turn, then {@code serve} is started in a child process on it, and
 * its start-up, resident memory, registration rate and top-20 latency are read at that size.
 */
public final class ScaleBench {

    /** The figures at one collection size. */
    public record StoreRow(long images, long diskBytes, double fillImagesPerSecond, double storePutsPerSecond,
                           double startSeconds, double httpRegistrationsPerSecond, double p50Ms, double p99Ms,
                           double rssMiB, double peakRssMiB, double rssAnonMiB) {
    }

    private static final String TOKEN = "bench-scale";
    private static final int FILL_BATCH = 500;
    private static final int DURABLE_PUTS = 300;
    private static final int HTTP_REGISTRATIONS = 40;
    private static final Duration WARM_UP = Duration.ofSeconds(15);

    private ScaleBench() {
    }

    /**
     * @param infogap       the command line that runs {@code infogap} in a child JVM (java, its options, class path,
     *                      main class)
     * @param serveOptions  options for {@code serve} besides the store, port and token (model, weights, ...)
     * @param encoderId     the model's image encoder: the store is that encoder's
     * @param featureLength floats per image
     * @param work          the bench's folder: its {@code store} is deleted first, then grown size by size
     */
    public static List<StoreRow> store(List<String> infogap, List<String> serveOptions, String encoderId, int featureLength,
                                       Path work, List<Long> sizes, int requests, int port) throws Exception {
        Path storeDir = work.resolve("store");
        if (Files.exists(storeDir)) { // an earlier run's: every size starts from the one before it
            try (var files = Files.walk(storeDir)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
        List<StoreRow> rows = new ArrayList<>();
        Random random = new Random(34);
        float[][] pool = new float[16][featureLength];
        for (float[] f : pool) {
            for (int d = 0; d < featureLength; d++) {
                f[d] = Math.max(0f, (float) random.nextGaussian());
            }
        }
        for (long size : sizes) {
            long have;
            double fillRate;
            double putRate;
            try (ImageStore store = ImageStore.open(storeDir, encoderId, featureLength)) {
                have = store.size();
                long need = (size - have) * (long) (store.recordBytes() * 1.05) + (2L << 30);
                long free = Files.getFileStore(work).getUsableSpace();
                if (size > have && need > free) {
                    System.out.printf(Locale.ROOT, "%,d images do not fit: %.1f GB more needed, %.1f GB free; stopping at %,d%n",
                            size, need / 1e9, free / 1e9, have);
                    break;
                }
                // every image is syn-<i>, i = 0 .. size - 1: the bulk fill, then the durable puts, then the PUTs
                fillRate = fill(store, have, size - DURABLE_PUTS - HTTP_REGISTRATIONS, pool);
                putRate = durablePuts(store, pool);
            }
            long diskBytes = diskBytes(storeDir);
            try (Served served = Served.start(infogap, serveOptions, storeDir, work, port)) {
                double[] latency = top20(served, size - HTTP_REGISTRATIONS, requests, random);
                double httpRate = httpRegistrations(served, size);
                double[] memory = served.memoryMiB();
                rows.add(new StoreRow(size, diskBytes, fillRate, putRate, served.startSeconds, httpRate, latency[0],
                        latency[1], memory[0], memory[1], memory[2]));
                System.out.println(table(rows.subList(rows.size() - 1, rows.size())));
            }
        }
        return rows;
    }

    /** Synthetic images {@code syn-<i>} up to {@code size}, {@value #FILL_BATCH} per transaction; images/s. */
    private static double fill(ImageStore store, long from, long size, float[][] pool) throws IOException {
        if (from >= size) {
            return Double.NaN;
        }
        long t0 = System.nanoTime();
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName("filling the store").setInitialMax(size - from)
                .setUnit(" img", 1).showSpeed().build()) {
            for (long i = from; i < size; i += FILL_BATCH) {
                List<ImageStore.Registration> batch = new ArrayList<>();
                for (long j = i; j < Math.min(size, i + FILL_BATCH); j++) {
                    batch.add(synthetic("syn-" + j, j, pool));
                }
                store.putAll(batch);
                bar.stepBy(batch.size());
            }
        }
        return (size - from) / ((System.nanoTime() - t0) / 1e9);
    }

    /** Registrations one at a time, each durable before the next (what the API does), per second. */
    private static double durablePuts(ImageStore store, float[][] pool) throws IOException {
        long base = store.size();
        long t0 = System.nanoTime();
        for (int i = 0; i < DURABLE_PUTS; i++) {
            ImageStore.Registration r = synthetic("syn-" + (base + i), base + i, pool);
            store.put(r.id(), r.sha256(), r.width(), r.height(), r.features());
        }
        return DURABLE_PUTS / ((System.nanoTime() - t0) / 1e9);
    }

    private static ImageStore.Registration synthetic(String id, long i, float[][] pool) {
        return new ImageStore.Registration(id, String.format("%064x", i), 160, 160, pool[(int) (i % pool.length)]);
    }

    /** p50 and p99 (ms) of /v1/candidates with 20 registered candidates drawn from the first {@code images}. */
    private static double[] top20(Served served, long images, int requests, Random random) throws Exception {
        long warm = System.nanoTime() + WARM_UP.toNanos(); // JIT and allocators: a fresh JVM's first seconds are slower
        while (System.nanoTime() < warm) {
            top20(served, images, random);
        }
        List<Double> sorted = new ArrayList<>(requests);
        for (int r = 0; r < requests; r++) {
            sorted.add(top20(served, images, random));
        }
        java.util.Collections.sort(sorted);
        return new double[] {ApiBench.percentile(sorted, 0.5), ApiBench.percentile(sorted, 0.99)};
    }

    /** One top-20 request's time, ms. */
    private static double top20(Served served, long images, Random random) throws Exception {
        JsonArray candidates = new JsonArray();
        for (int c = 0; c < 20; c++) {
            long i = (long) (random.nextDouble() * images);
            candidates.add(new JsonObject().put("id", "c" + c).put("image", new JsonObject().put("id", "syn-" + i)));
        }
        JsonObject body = new JsonObject().put("text", ApiBench.TEXT).put("candidates", candidates).put("min_sc", 0.0);
        long t = System.nanoTime();
        HttpResponse<String> response = served.post("/v1/candidates", body);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("/v1/candidates answered " + response.statusCode() + ": " + response.body());
        }
        return (System.nanoTime() - t) / 1e6;
    }

    /** PUT /v1/images of new pictures (each one InceptionV3 pass and one durable write), per second. */
    private static double httpRegistrations(Served served, long size) throws Exception {
        Random random = new Random(size);
        long t0 = System.nanoTime();
        for (int i = 0; i < HTTP_REGISTRATIONS; i++) {
            String base64 = Base64.getEncoder().encodeToString(picture(random));
            HttpResponse<String> response = served.put("/v1/images/syn-" + (size - HTTP_REGISTRATIONS + i),
                    new JsonObject().put("base64", base64));
            if (response.statusCode() != 201) {
                throw new IllegalStateException("PUT /v1/images answered " + response.statusCode() + ": " + response.body());
            }
        }
        return HTTP_REGISTRATIONS / ((System.nanoTime() - t0) / 1e9);
    }

    private static byte[] picture(Random random) throws IOException {
        BufferedImage image = new BufferedImage(160, 160, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(random.nextInt(0xffffff)));
        g.fillRect(0, 0, 160, 160);
        for (int k = 0; k < 4; k++) {
            g.setColor(new Color(random.nextInt(0xffffff)));
            g.fillOval(random.nextInt(120), random.nextInt(120), 20 + random.nextInt(40), 20 + random.nextInt(40));
        }
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static long diskBytes(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    public static String table(List<StoreRow> rows) {
        StringBuilder s = new StringBuilder("| images | on disk | bytes/image | filled img/s | durable puts/s | serve start s "
                + "| PUT /v1/images per s | top-20 p50 ms | top-20 p99 ms | RSS MiB | peak RSS MiB | anonymous RSS MiB |\n"
                + "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (StoreRow r : rows) {
            s.append(String.format(Locale.ROOT, "| %,d | %.2f GB | %,d | %,.0f | %,.0f | %.2f | %.1f | %.1f | %.1f | %.0f | %.0f | %.0f |%n",
                    r.images(), r.diskBytes() / 1e9, r.diskBytes() / Math.max(1, r.images()), r.fillImagesPerSecond(),
                    r.storePutsPerSecond(), r.startSeconds(), r.httpRegistrationsPerSecond(), r.p50Ms(), r.p99Ms(),
                    r.rssMiB(), r.peakRssMiB(), r.rssAnonMiB()));
        }
        return s.toString();
    }

    /** {@code serve} in a child process, from its start until it answers ready. */
    private static final class Served implements AutoCloseable {
        final Process process;
        final double startSeconds;
        final int port;
        final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        private Served(Process process, double startSeconds, int port) {
            this.process = process;
            this.startSeconds = startSeconds;
            this.port = port;
        }

        static Served start(List<String> infogap, List<String> serveOptions, Path store, Path work, int port)
                throws Exception {
            List<String> command = new ArrayList<>(infogap);
            command.addAll(List.of("serve", "--store", store.toString(), "--port", Integer.toString(port), "--token", TOKEN,
                    "--corpus", work.resolve("no-corpus.json").toString()));
            command.addAll(serveOptions);
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(work.resolve("serve.log").toFile()).start();
            HttpClient probe = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
            long deadline = t0 + Duration.ofMinutes(5).toNanos();
            while (System.nanoTime() < deadline) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("serve ended with status " + p.exitValue() + ": "
                            + Files.readString(work.resolve("serve.log")));
                }
                try {
                    int status = probe.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/health/ready"))
                            .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                    if (status == 200) {
                        return new Served(p, (System.nanoTime() - t0) / 1e9, port);
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(50);
            }
            p.destroyForcibly();
            throw new IllegalStateException("serve was not ready within 5 minutes; see " + work.resolve("serve.log"));
        }

        HttpResponse<String> post(String path, JsonObject body) throws Exception {
            return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body.encode())));
        }

        HttpResponse<String> put(String path, JsonObject body) throws Exception {
            return send(HttpRequest.newBuilder(uri(path)).PUT(HttpRequest.BodyPublishers.ofString(body.encode())));
        }

        private URI uri(String path) {
            return URI.create("http://localhost:" + port + path);
        }

        private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
            return http.send(request.header("content-type", "application/json").header("authorization", "Bearer " + TOKEN)
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        }

        /** VmRSS, VmHWM and RssAnon of the child, MiB (NaN where not known). */
        double[] memoryMiB() {
            return java.util.stream.Stream.of("VmRSS:", "VmHWM:", "RssAnon:")
                    .mapToLong(field -> ProcessMemory.statusBytes(process.pid(), field))
                    .mapToDouble(bytes -> bytes < 0 ? Double.NaN : bytes / (1024.0 * 1024)).toArray();
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
