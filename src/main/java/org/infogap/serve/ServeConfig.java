package org.infogap.serve;

import java.nio.file.Path;

/**
 * The server's settings and limits (all {@code serve} options).
 *
 * @param port            HTTP port (0: any free port)
 * @param token           bearer token for write endpoints (image registration, reload, annotations); null
 *                        refuses every write
 * @param protectReads    whether scoring and reading endpoints need the token too
 * @param maxBodyBytes    request body limit
 * @param maxCandidates   candidates per request
 * @param maxTextChars    characters of text per request
 * @param maxImageBytes   bytes of one decoded image
 * @param maxPixels       pixels of one image
 * @param timeoutMillis   a request still unanswered after this gets 503
 * @param queueCapacity   pairs waiting for inference (about a second of work at the default); beyond it requests get
 *                        503 with Retry-After
 * @param maxBatch        pairs scored in one forward pass
 * @param store           folder of the registered-image store
 * @param workers         scoring threads, each with its own copy of the classifier's graph (0: one per core)
 * @param models          the folder {@code POST /admin/reload} may take bundles from; a path outside it (after
 *                        following links) is refused with 403 before anything opens it
 */
public record ServeConfig(int port, String token, boolean protectReads, long maxBodyBytes, int maxCandidates,
                          int maxTextChars, int maxImageBytes, long maxPixels, long timeoutMillis, int queueCapacity,
                          int maxBatch, int workers, Path store, Path models) {

    public static final int DEFAULT_PORT = 8080;
    public static final long DEFAULT_MAX_BODY = 32L << 20;
    public static final int DEFAULT_MAX_CANDIDATES = 100;
    public static final int DEFAULT_MAX_TEXT = 200_000;
    public static final int DEFAULT_MAX_IMAGE_BYTES = 8 << 20;
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;
    public static final long DEFAULT_TIMEOUT_MS = 30_000;
    public static final int DEFAULT_QUEUE = 1024;
    public static final int DEFAULT_MAX_BATCH = 64;
    public static final String DEFAULT_MODELS = "models";
    /**
     * One: on 2 cores a second worker cost the single client more than it gained under load (p50 of one candidate
     * 11.6 ms against 15.8; 908 against 980 top-20 pairs/s at 8 clients), since the HTTP side and InceptionV3 need the
     * other core (docs/decisions/2026-12-06-scoring-throughput.md). 0 means one per core.
     */
    public static final int DEFAULT_WORKERS = 1;

    public ServeConfig {
        workers = workers > 0 ? workers : Math.max(1, Runtime.getRuntime().availableProcessors());
    }
}
