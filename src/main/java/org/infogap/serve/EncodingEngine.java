package org.infogap.serve;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;
import org.infogap.model.ImageEncoder;

/**
 * InceptionV3 for the server, on its own thread and queue ({@link Batcher}): inline images of several requests, and
 * registrations, go through one forward pass together (up to {@code maxImages}), and never hold up the scoring
 * workers, which serve registered images from the store meanwhile. One thread, because an encoder holds one graph and
 * its convolutions already spread over the cores (oneDNN). A full queue refuses at once ({@link #submit} returns null).
 */
final class EncodingEngine implements AutoCloseable {

    private final Batcher<ImageEncoder, BufferedImage, float[]> batcher;

    EncodingEngine(int queueCapacity, int maxImages) {
        this.batcher = new Batcher<>("infogap-encoding", queueCapacity, maxImages, 1,
                (worker, encoder, images) -> encoder.features(images));
    }

    /** Called with the number of images of every forward pass (metrics). */
    void onBatch(IntConsumer listener) {
        batcher.onBatch(listener);
    }

    int queued() {
        return batcher.queued();
    }

    /** Queues images for {@code encoder}; their features (pooled, then the grid where it has one), or null when full. */
    CompletableFuture<List<float[]>> submit(ImageEncoder encoder, List<BufferedImage> images) {
        return batcher.submit(encoder, images);
    }

    @Override
    public void close() {
        batcher.close();
    }
}
