package org.infogap.annotate;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.infogap.data.ImageTextPair;
import org.infogap.data.Source;

/**
 * The pairs of a corpus, indexed the ways annotation files name them: by reader id (BBC entry name,
 * Wiki {@code id#section#file}), by {@code source:id} key, and by image path. Built once from the
 * foundation readers, so an annotation can only land on a pair the corpus really has.
 */
public final class PairIndex {

    /** An annotation's pair, or why there is none. */
    public record Match(ImageTextPair pair, boolean textFromAnnotation, String problem) {
        static Match of(ImageTextPair pair, boolean fromAnnotation) {
            return new Match(pair, fromAnnotation, null);
        }

        static Match none(String problem) {
            return new Match(null, false, problem);
        }

        public boolean found() {
            return pair != null;
        }
    }

    private final Path root;
    private final Map<String, ImageTextPair> byKey = new HashMap<>();
    private final Map<Path, List<ImageTextPair>> byImage = new LinkedHashMap<>();
    private final Map<String, List<Path>> imagesByName = new HashMap<>();

    /**
     * @param pairs every pair of the corpus (closed here)
     * @param root  folder that relative image paths in annotation files are tried against (the corpus's)
     */
    public PairIndex(Stream<ImageTextPair> pairs, Path root) {
        this.root = root.toAbsolutePath().normalize();
        try (pairs) {
            pairs.forEach(p -> {
                byKey.putIfAbsent(p.key(), p);
                Path image = p.imagePath().toAbsolutePath().normalize();
                byImage.computeIfAbsent(image, k -> {
                    imagesByName.computeIfAbsent(image.getFileName().toString(), n -> new ArrayList<>()).add(image);
                    return new ArrayList<>();
                }).add(p);
            });
        }
    }

    public int size() {
        return byKey.size();
    }

    /** Finds the pair that {@code record} (read from {@code file}) labels. */
    public Match match(AnnotationRecord record, Path file) {
        if (record.source() == Source.BBC || record.source() == Source.WIKI) {
            String key = key(record.source(), record.pairId());
            ImageTextPair pair = byKey.get(key);
            if (pair == null) {
                return Match.none("unknown pair: the corpus has no " + record.source().name().toLowerCase(Locale.ROOT)
                        + " entry '" + record.pairId() + "'");
            }
            if (record.split() != null && record.split() != pair.split()) {
                return Match.none("entry '" + record.pairId() + "' is in the " + pair.split().label()
                        + " part of the corpus, the file says " + record.split().label());
            }
            return Match.of(pair, false);
        }
        if (record.pairId() != null && byKey.containsKey(record.pairId())) {
            return Match.of(byKey.get(record.pairId()), false);
        }
        if (record.imagePath() == null) {
            return Match.none("no image path to match the pair by");
        }
        Path image = findImage(record.imagePath(), file);
        if (image == null) {
            return Match.none("unknown pair: no corpus image matches '" + record.imagePath() + "'");
        }
        List<ImageTextPair> candidates = byImage.get(image);
        if (record.split() != null && candidates.stream().noneMatch(c -> c.split() == record.split())) {
            return Match.none("image '" + record.imagePath() + "' is in the " + candidates.get(0).split().label()
                    + " part of the corpus, the file says " + record.split().label());
        }
        if (record.text().isEmpty()) {
            return candidates.size() == 1 ? Match.of(candidates.get(0), false)
                    : Match.none("image '" + record.imagePath() + "' belongs to " + candidates.size()
                            + " pairs and the line gives no text to choose one");
        }
        String text = normalise(record.text());
        for (ImageTextPair candidate : candidates) {
            if (normalise(candidate.sentences()).equals(text)) {
                return Match.of(candidate, false);
            }
        }
        // The annotation pairs a corpus image with its own text (the paper's COCO samples: several
        // captions of one image joined): a new pair, named by the file's id or by the text's hash.
        ImageTextPair any = candidates.get(0);
        String id = record.pairId() != null ? record.pairId()
                : root.relativize(image) + "#" + org.infogap.io.Hashes.sha256(text.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        .substring(0, 12);
        return Match.of(new ImageTextPair(any.source(), id, image, record.text(), "",
                record.split() != null ? record.split() : any.split()), true);
    }

    static String key(Source source, String id) {
        return source.name().toLowerCase(Locale.ROOT) + ":" + id;
    }

    private Path findImage(String given, Path file) {
        Path path;
        try {
            path = Path.of(given);
        } catch (java.nio.file.InvalidPathException e) {
            return null;
        }
        List<Path> tries = new ArrayList<>();
        if (path.isAbsolute()) {
            tries.add(path.normalize());
        } else {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                tries.add(dir.resolve(path).normalize());
            }
            tries.add(root.resolve(path).normalize());
        }
        for (Path t : tries) {
            if (byImage.containsKey(t)) {
                return t;
            }
        }
        // Exports from other machines carry their absolute paths: accept the one corpus image whose
        // path ends with the most trailing components of the given one.
        if (path.getFileName() == null) {
            return null;
        }
        List<Path> named = imagesByName.getOrDefault(path.getFileName().toString(), List.of());
        for (int depth = Math.min(path.getNameCount(), 8); depth >= 1; depth--) {
            Path tail = path.subpath(path.getNameCount() - depth, path.getNameCount());
            List<Path> hits = named.stream().filter(p -> p.endsWith(tail)).toList();
            if (hits.size() == 1) {
                return hits.get(0);
            }
            if (hits.size() > 1) {
                return null;
            }
        }
        return null;
    }

    private static String normalise(List<String> sentences) {
        return String.join(" ", sentences).replaceAll("\\s+", " ").strip();
    }
}
