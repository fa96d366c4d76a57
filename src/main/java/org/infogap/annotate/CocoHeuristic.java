package org.infogap.annotate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.infogap.data.ImageTextPair;
import org.infogap.io.AtomicFiles;
import org.infogap.io.Json;

/**
 * The paper's COCO samples: random images, each with a random non-empty subset of its captions
 * joined as the text, labelled CMI 1 and SC 1 (a caption states what the image shows), type
 * Photograph. Written as merged JSONL so they are imported like any other annotation file.
 */
public final class CocoHeuristic {

    static final String ANNOTATOR = "coco-heuristic";

    private CocoHeuristic() {
    }

    /**
     * Picks {@code n} pairs of {@code perImage} (COCO read per image: all captions as sentences)
     * uniformly by reservoir sampling, then a caption subset for each; reproducible for a seed.
     */
    public static List<ImageTextPair> sample(Stream<ImageTextPair> perImage, int n, long seed) {
        if (n <= 0) {
            throw new IllegalArgumentException("--n must be positive, got " + n);
        }
        Random random = new Random(seed);
        List<ImageTextPair> reservoir = new ArrayList<>(n);
        long[] seen = {0};
        try (perImage) {
            perImage.forEach(p -> {
                seen[0]++;
                if (reservoir.size() < n) {
                    reservoir.add(p);
                } else {
                    long j = (long) (random.nextDouble() * seen[0]);
                    if (j < n) {
                        reservoir.set((int) j, p);
                    }
                }
            });
        }
        List<ImageTextPair> out = new ArrayList<>();
        for (ImageTextPair p : reservoir) {
            List<String> captions = new ArrayList<>(p.sentences());
            Collections.shuffle(captions, random);
            int k = 1 + random.nextInt(captions.size());
            out.add(new ImageTextPair(p.source(), p.id(), p.imagePath(), captions.subList(0, k), "", p.split()));
        }
        return out;
    }

    /** Writes the samples as merged annotation JSONL (CMI 1, SC 1, Photograph), atomically. */
    public static void write(Path out, List<ImageTextPair> samples) throws IOException {
        AtomicFiles.write(out, stream -> {
            BufferedWriter w = new BufferedWriter(new java.io.OutputStreamWriter(stream, StandardCharsets.UTF_8));
            for (ImageTextPair p : samples) {
                ObjectNode n = Json.mapper().createObjectNode();
                n.put("imgpath", p.imagePath().toAbsolutePath().toString());
                p.sentences().forEach(n.putArray("text")::add);
                ObjectNode a = n.putObject("annotation");
                a.put("mi", 1.0).put("sc", 1.0).put("type", "Photograph").put("annotator", ANNOTATOR);
                a.putArray("snippets");
                w.write(Json.mapper().writeValueAsString(n));
                w.write('\n');
            }
            w.flush();
        });
    }
}
