package org.infogap.synth;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import org.infogap.data.BadInputException;
import org.infogap.io.Json;

/**
 * Real pictures of named things, for the real-image corpus ({@link PictureDepiction}): each kind of thing has
 * the names people gave it and one or more pictures of it, drawn by different artists.
 *
 * <p>Two sources are read. An <b>emoji-datasource package folder</b> (npm {@code emoji-datasource-google},
 * {@code -twitter}, ...: {@code emoji.json} with each emoji's Unicode name, short names, category and
 * sub-category, and {@code img/<set>/64/*.png}); several such folders of one Unicode version give each kind
 * one picture per artist, matched by code point. A <b>catalogue JSONL</b>, one kind per line:
 * {@code {"kind": "dog", "names": ["dog", "puppy"], "group": "animal", "pictures": ["dogs/1.jpg", ...]}}, paths
 * relative to the file: photographs of your own go in this way.
 *
 * <p>Only concrete things are taken from emoji (animals, plants, food, drink, vehicles, household things,
 * clothing, tools, instruments, sports gear): no faces, people, flags or symbols, whose pictures say little
 * that a search stack's photographs would. A kind whose name another kind already uses is dropped, so that no
 * sentence is true of two kinds.
 */
public final class PictureCatalogue {

    /**
     * One kind of thing.
     *
     * @param id       stable id (an emoji's code points, a catalogue line's {@code kind})
     * @param names    what texts call it, the first the most common; lower case
     * @param group    its category, for reports
     * @param pictures image files showing it
     */
    public record Kind(String id, List<String> names, String group, List<Path> pictures) {
        public Kind {
            names = List.copyOf(names);
            pictures = List.copyOf(pictures);
            if (names.isEmpty() || pictures.isEmpty()) {
                throw new IllegalArgumentException("kind " + id + " needs a name and a picture");
            }
        }
    }

    /** Emoji sub-categories of concrete things (emoji-datasource's {@code subcategory}). */
    static final Set<String> EMOJI_GROUPS = Set.of("animal-mammal", "animal-bird", "animal-amphibian", "animal-reptile",
            "animal-marine", "animal-bug", "plant-flower", "plant-other", "food-fruit", "food-vegetable", "food-prepared",
            "food-asian", "food-marine", "food-sweet", "drink", "dishware", "transport-ground", "transport-air",
            "transport-water", "household", "clothing", "musical-instrument", "sport", "tool", "office", "writing",
            "computer", "light & video", "game", "science", "medical", "phone", "sound", "music");
    private static final Pattern NOT_A_NAME = Pattern.compile(".*\\b(face|symbol|sign|button|flag)\\b.*");

    private final List<Kind> kinds;
    private final List<String> sources;

    private PictureCatalogue(List<Kind> kinds, List<String> sources) {
        this.kinds = List.copyOf(kinds);
        this.sources = List.copyOf(sources);
        if (this.kinds.size() < 5) {
            throw new IllegalArgumentException("a picture corpus needs at least 5 kinds of things, " + sources + " gave "
                    + this.kinds.size());
        }
    }

    public List<Kind> kinds() {
        return kinds;
    }

    /** The folders and files read, in order. */
    public List<String> sources() {
        return sources;
    }

    /**
     * Reads the sources (emoji-datasource folders or catalogue JSONL files) and keeps at most {@code maxKinds}
     * kinds, a sample drawn with {@code seed} when there are more; kinds of several sources with the same id
     * pool their pictures.
     */
    public static PictureCatalogue read(List<Path> sources, int maxKinds, long seed) throws IOException {
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("no picture source given");
        }
        Map<String, Kind> byId = new LinkedHashMap<>();
        for (Path source : sources) {
            List<Kind> found = Files.isDirectory(source) ? readEmoji(source) : readJsonl(source);
            for (Kind k : found) {
                byId.merge(k.id(), k, (a, b) -> new Kind(a.id(), union(a.names(), b.names()), a.group(),
                        union(a.pictures(), b.pictures())));
            }
        }
        List<Kind> distinct = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        for (Kind k : byId.values()) {
            if (k.names().stream().noneMatch(taken::contains)) {
                distinct.add(k);
                taken.addAll(k.names());
            }
        }
        if (maxKinds > 0 && distinct.size() > maxKinds) {
            Collections.shuffle(distinct, new Random(seed));
            distinct = new ArrayList<>(distinct.subList(0, maxKinds));
            distinct.sort(Comparator.comparing(Kind::id));
        }
        return new PictureCatalogue(distinct, sources.stream().map(Path::toString).toList());
    }

    private static List<Kind> readEmoji(Path folder) throws IOException {
        Path json = folder.resolve("emoji.json");
        if (!Files.isRegularFile(json)) {
            throw new BadInputException(folder, null, null, "not an emoji-datasource package folder: no emoji.json");
        }
        Path img = folder.resolve("img");
        List<String> sets = new ArrayList<>();
        if (Files.isDirectory(img)) {
            try (var list = Files.list(img)) {
                list.filter(p -> Files.isDirectory(p.resolve("64"))).map(p -> p.getFileName().toString()).sorted()
                        .forEach(sets::add);
            }
        }
        if (sets.isEmpty()) {
            throw new BadInputException(folder, null, null, "no img/<set>/64/ folder of pictures");
        }
        JsonNode root = Json.mapper().readTree(json.toFile());
        if (!root.isArray()) {
            throw new BadInputException(json, null, null, "expected an array of emoji");
        }
        List<Kind> kinds = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode e = root.get(i);
            String where = "entry " + (i + 1);
            String group = text(json, where, e, "subcategory");
            if (!EMOJI_GROUPS.contains(group)) {
                continue;
            }
            Set<String> names = new LinkedHashSet<>();
            names.add(words(text(json, where, e, "name")));
            // short names such as "dog2" tell two emoji apart; they are not what people call the thing
            e.path("short_names").forEach(n -> names.add(words(n.asText())));
            names.removeIf(n -> n.chars().anyMatch(Character::isDigit));
            if (names.stream().anyMatch(n -> NOT_A_NAME.matcher(n).matches() || n.isBlank())) {
                continue;
            }
            List<Path> pictures = new ArrayList<>();
            for (String set : sets) {
                Path p = img.resolve(set).resolve("64").resolve(text(json, where, e, "image"));
                if (e.path("has_img_" + set).asBoolean(true) && Files.isRegularFile(p)) {
                    pictures.add(p);
                }
            }
            if (!pictures.isEmpty()) {
                kinds.add(new Kind(text(json, where, e, "unified"), List.copyOf(names), group, pictures));
            }
        }
        return kinds;
    }

    private static List<Kind> readJsonl(Path file) throws IOException {
        List<Kind> kinds = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            String where = "line " + (i + 1);
            JsonNode n;
            try {
                n = Json.parseWhole(lines.get(i));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new BadInputException(file, where, null, "broken JSON: " + e.getOriginalMessage(), e);
            }
            List<String> names = new ArrayList<>();
            n.path("names").forEach(x -> names.add(words(x.asText())));
            List<Path> pictures = new ArrayList<>();
            for (JsonNode p : n.path("pictures")) {
                Path picture = file.toAbsolutePath().getParent().resolve(p.asText());
                if (!Files.isRegularFile(picture)) {
                    throw new BadInputException(file, where, "pictures", "no such file: " + picture);
                }
                pictures.add(picture);
            }
            if (names.isEmpty() || names.stream().anyMatch(String::isBlank)) {
                throw new BadInputException(file, where, "names", "a kind needs at least one non-blank name");
            }
            if (pictures.isEmpty()) {
                throw new BadInputException(file, where, "pictures", "a kind needs at least one picture");
            }
            kinds.add(new Kind(text(file, where, n, "kind"), names, n.path("group").asText(""), pictures));
        }
        return kinds;
    }

    private static String text(Path file, String where, JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new BadInputException(file, where, field, "missing or not a string");
        }
        return v.asText();
    }

    /** "HOT_PEPPER" and "Hot Pepper" both become "hot pepper". */
    static String words(String name) {
        return name.replace('_', ' ').toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").strip();
    }

    private static <T> List<T> union(List<T> a, List<T> b) {
        Set<T> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }
}
