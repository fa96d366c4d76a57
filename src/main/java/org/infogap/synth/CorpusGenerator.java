package org.infogap.synth;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.infogap.data.CmiLevel;
import org.infogap.data.CocoCaptionsReader;
import org.infogap.data.CorpusManifest;
import org.infogap.data.ScLevel;
import org.infogap.data.SimpleWikiReader;
import org.infogap.data.Split;
import org.infogap.io.Json;

/**
 * Generates the default corpus into a folder, in the real formats, with a manifest
 * ({@code corpus.json}), the labelled pairs as annotation-tool JSONL ({@code labels/}), the full
 * ground truth per labelled pair ({@code labels/composition.jsonl}) and the generator's settings
 * ({@code generator.json}).
 *
 * <p>The corpus is built in a sibling temporary folder and renamed into place at the end, so an
 * interrupted run leaves the previous corpus untouched.
 */
public final class CorpusGenerator {

    /** Paper, Table 1: CMI labels 0, 0.25, 0.5, 0.75, 1. */
    static final int[] PAPER_CMI_COUNTS = {44, 157, 466, 52, 107};
    /** Paper, Table 2: SC labels -1, -0.5, 0, 0.5, 1. */
    static final int[] PAPER_SC_COUNTS = {7, 31, 109, 138, 541};
    static final int CAPTIONS_PER_IMAGE = 5;
    static final int BBC_MAX_SENTENCES = 20;
    static final int WIKI_MAX_SENTENCES = 12;
    private static final int PLAN_TRIES = 200_000;
    private static final String IMAGE_TYPE = "Illustration";

    private final GeneratorConfig config;
    private final Depiction<?> depiction;

    /** The default corpus: drawn shapes. */
    public CorpusGenerator(GeneratorConfig config) {
        this(config, new ShapeDepiction());
    }

    /**
     * A corpus of real pictures: the catalogue's things, named by their own names ({@link PictureDepiction}); with
     * {@code holdOutTestPictures}, the test split shows each kind in a picture that training never shows.
     */
    public CorpusGenerator(GeneratorConfig config, PictureCatalogue pictures, boolean holdOutTestPictures) {
        this(config, new PictureDepiction(pictures, holdOutTestPictures));
    }

    private CorpusGenerator(GeneratorConfig config, Depiction<?> depiction) {
        this.config = config;
        this.depiction = depiction;
    }

    /** Counts of what was written. */
    public record Summary(Path manifest, int pairs, int labelled, Map<CmiLevel, Integer> cmi, Map<ScLevel, Integer> sc) {
    }

    /** An image to render and where. */
    private record ImageJob(java.util.function.IntFunction<BufferedImage> render, Path file) {
    }

    /** A labelled or unlabelled text with its scene. */
    private record Item<S>(int index, S scene, Composition composition, boolean labelled, Split split) {
    }

    public Summary generate(Path outDir) throws IOException {
        Path out = outDir.toAbsolutePath();
        Files.createDirectories(out.getParent());
        Path tmp = Files.createTempDirectory(out.getParent(), "." + out.getFileName() + ".tmp-");
        try {
            Summary summary = write(depiction, tmp, out);
            replace(tmp, out);
            return summary;
        } finally {
            deleteTree(tmp);
        }
    }

    private <S> Summary write(Depiction<S> depiction, Path dir, Path finalDir) throws IOException {
        Random random = new Random(config.seed());
        List<ImageJob> images = new ArrayList<>();
        int cocoImages = config.unlabelled() / (config.cocoOnly() ? 1 : 3) / CAPTIONS_PER_IMAGE;
        int cocoPairs = cocoImages * CAPTIONS_PER_IMAGE;
        int bbcUnlabelled = config.cocoOnly() ? 0 : config.unlabelled() / 3;
        int wikiUnlabelled = config.cocoOnly() ? 0 : config.unlabelled() - cocoPairs - bbcUnlabelled;
        int bbcLabelled = config.labelled() / 2;
        int wikiLabelled = config.labelled() - bbcLabelled;

        Path cocoDir = dir.resolve("coco");
        Path cocoJson = cocoDir.resolve("annotations/captions_train.json");
        writeCoco(depiction, cocoJson, cocoDir.resolve("images"), cocoImages, random, images);

        // with the paper's skew, the two sources' labelled pairs together get the paper's counts
        int[][] bbcSkew = null;
        int[][] wikiSkew = null;
        if (config.paperSkew()) {
            int[][] all = {SkewedLabels.scaled(PAPER_CMI_COUNTS, config.labelled()),
                SkewedLabels.scaled(PAPER_SC_COUNTS, config.labelled())};
            bbcSkew = new int[][] {SkewedLabels.scaled(all[0], bbcLabelled), SkewedLabels.scaled(all[1], bbcLabelled)};
            wikiSkew = new int[2][];
            for (int m = 0; m < 2; m++) {
                wikiSkew[m] = all[m].clone();
                for (int level = 0; level < all[m].length; level++) {
                    wikiSkew[m][level] -= bbcSkew[m][level];
                }
            }
        }
        List<Item<S>> bbc = items(depiction, bbcUnlabelled, bbcLabelled, BBC_MAX_SENTENCES, TextComposer.Style.NEWS,
                bbcSkew, random);
        List<Item<S>> wiki = items(depiction, wikiUnlabelled, wikiLabelled, WIKI_MAX_SENTENCES,
                TextComposer.Style.ENCYCLOPEDIA, wikiSkew, random);
        Map<CmiLevel, Integer> cmiCounts = new EnumMap<>(CmiLevel.class);
        Map<ScLevel, Integer> scCounts = new EnumMap<>(ScLevel.class);
        Path labels = dir.resolve("labels");
        Files.createDirectories(labels);
        try (BufferedWriter bbcLabels = Files.newBufferedWriter(labels.resolve("bbc_annotations.jsonl"));
             BufferedWriter wikiLabels = Files.newBufferedWriter(labels.resolve("wiki_annotations.jsonl"));
             BufferedWriter truth = Files.newBufferedWriter(labels.resolve("composition.jsonl"))) {
            for (Item<S> item : bbc) {
                String name = String.format(Locale.ROOT, "bbc%05d", item.index);
                Path folder = dir.resolve("bbc").resolve(item.split.label());
                writeBbcEntry(depiction, folder, name, item, random);
                images.add(new ImageJob(size -> depiction.render(item.scene, size), folder.resolve(name + ".jpg")));
                if (item.labelled) {
                    ObjectNode label = Json.mapper().createObjectNode().put("name", name);
                    putLabels(label, item.composition).put("train", item.split == Split.TRAIN).put("type", IMAGE_TYPE);
                    snippets(label, item.composition);
                    writeLine(bbcLabels, label);
                    writeLine(truth, groundTruth(depiction, "bbc:" + name, item));
                    count(item.composition, cmiCounts, scCounts);
                }
            }
            Path wikiDir = dir.resolve("wiki");
            Files.createDirectories(wikiDir.resolve("images"));
            try (BufferedWriter train = Files.newBufferedWriter(wikiDir.resolve("simplewiki_train.jsonl"));
                 BufferedWriter test = Files.newBufferedWriter(wikiDir.resolve("simplewiki_test.jsonl"))) {
                for (Item<S> item : wiki) {
                    long articleId = 100_000L + item.index;
                    String file = "Synthetic_" + articleId + (item.index % 5 == 4 ? ".png" : ".jpg");
                    String section = writeWikiArticle(depiction, item.split == Split.TEST ? test : train, articleId,
                            file, item, random);
                    images.add(new ImageJob(size -> depiction.render(item.scene, size),
                            wikiDir.resolve("images").resolve(file)));
                    if (item.labelled) {
                        ObjectNode label = Json.mapper().createObjectNode().put("id", Long.toString(articleId))
                                .put("section", section).put("name", "/wiki/File:" + file);
                        putLabels(label, item.composition).put("valid", true).put("type", IMAGE_TYPE);
                        snippets(label, item.composition);
                        writeLine(wikiLabels, label);
                        writeLine(truth, groundTruth(depiction, "wiki:" + articleId + "#" + section + "#" + file, item));
                        count(item.composition, cmiCounts, scCounts);
                    }
                }
            }
        }
        renderAll(images);

        List<CorpusManifest.Part> parts = new ArrayList<>();
        // The manifest stores paths relative to its own folder, so it stays valid after the rename.
        parts.add(new CorpusManifest.Part("coco", cocoJson, cocoDir.resolve("images"), Split.TRAIN,
                CocoCaptionsReader.Mode.PER_CAPTION, null));
        for (Split split : config.cocoOnly() ? new Split[0] : Split.values()) {
            parts.add(new CorpusManifest.Part("bbc", dir.resolve("bbc/" + split.label()), null, split, null,
                    "ISO-8859-1"));
        }
        for (Split split : config.cocoOnly() ? new Split[0] : Split.values()) {
            parts.add(new CorpusManifest.Part("simplewiki",
                    dir.resolve("wiki/simplewiki_" + split.label() + ".jsonl"), dir.resolve("wiki/images"),
                    split, null, null));
        }
        new CorpusManifest("generated", parts).write(dir.resolve("corpus.json"));
        int total = cocoPairs + bbc.size() + wiki.size();
        writeProvenance(dir.resolve("generator.json"), total, cmiCounts, scCounts);
        return new Summary(finalDir.resolve("corpus.json"), total, config.labelled(), cmiCounts, scCounts);
    }

    /** With {@code skew} ({CMI counts, SC counts} of the labelled pairs, or null: uniform levels). */
    private <S> List<Item<S>> items(Depiction<S> depiction, int unlabelled, int labelled, int maxSentences,
                                    TextComposer.Style style, int[][] skew, Random random) {
        List<Item<S>> items = new ArrayList<>(unlabelled + labelled);
        Depiction.Writer<S> composer = depiction.writer(style, random);
        List<Integer> labelledIndex = new ArrayList<>();
        for (int i = 0; i < labelled; i++) {
            labelledIndex.add(i);
        }
        Collections.shuffle(labelledIndex, random);
        int testCount = (int) Math.round(labelled * config.testFraction());
        boolean[] test = new boolean[labelled];
        labelledIndex.subList(0, testCount).forEach(i -> test[i] = true);
        boolean[][][] feasible = skew != null && labelled > 0
                ? SkewedLabels.feasibleByObjects(Depiction.MAX_OBJECTS, maxSentences) : null;
        List<SkewedLabels.Target> targets = feasible != null
                ? SkewedLabels.draw(skew[0], skew[1], SkewedLabels.any(feasible), random) : null;
        for (int i = 0; i < unlabelled + labelled; i++) {
            boolean isLabelled = i >= unlabelled;
            Split split = isLabelled && test[i - unlabelled] ? Split.TEST : Split.TRAIN;
            S scene;
            TextComposer.Plan plan;
            if (targets != null && isLabelled) {
                SkewedLabels.Target target = targets.get(i - unlabelled);
                scene = sceneFor(depiction, target, feasible, split, random);
                plan = plan(depiction.objects(scene), maxSentences, target.cmi(), target.sc(), Integer.MAX_VALUE, random);
            } else {
                scene = depiction.randomScene(random, split);
                plan = isLabelled
                        ? planFor(depiction.objects(scene), maxSentences, random)
                        : TextComposer.randomPlan(depiction.objects(scene), maxSentences, random);
            }
            items.add(new Item<>(i, scene, composer.compose(scene, plan), isLabelled, split));
        }
        return items;
    }

    /** A random scene with as many objects as the rules need to give {@code target} (a few levels need one object). */
    private static <S> S sceneFor(Depiction<S> depiction, SkewedLabels.Target target, boolean[][][] feasibleByObjects,
                                  Split split, Random random) {
        while (true) {
            S scene = depiction.randomScene(random, split);
            if (feasibleByObjects[depiction.objects(scene)][target.cmi()][target.sc()]) {
                return scene;
            }
        }
    }

    /**
     * Draws target labels uniformly over levels and a plan that yields them; combinations the rules cannot produce
     * (CMI 0 with positive SC, CMI 1 without SC 1) are drawn again. (With the paper's skew, {@link SkewedLabels} sets
     * the targets instead: a redraw would change its counts.)
     */
    private static TextComposer.Plan planFor(int objects, int maxSentences, Random random) {
        while (true) {
            int cmi = random.nextInt(CmiLevel.values().length);
            int sc = random.nextInt(ScLevel.values().length);
            TextComposer.Plan plan = plan(objects, maxSentences, cmi, sc, PLAN_TRIES, random);
            if (plan != null) {
                return plan;
            }
        }
    }

    /**
     * A random plan, drawn as for unlabelled texts, that the rules give the levels {@code cmi} and {@code sc}
     * (indexes); null after {@code tries} plans without one.
     */
    private static TextComposer.Plan plan(int objects, int maxSentences, int cmi, int sc, int tries, Random random) {
        for (int i = 0; i < tries; i++) {
            TextComposer.Plan plan = TextComposer.randomPlan(objects, maxSentences, random);
            if (LabelRules.cmi(objects, plan.described(), plan.visual(), plan.total()).index() == cmi
                    && LabelRules.sc(plan.visual(), plan.contradicting(), plan.total()).index() == sc) {
                return plan;
            }
        }
        return null;
    }

    private <S> void writeCoco(Depiction<S> depiction, Path json, Path imageDir, int count, Random random,
                               List<ImageJob> images) throws IOException {
        Files.createDirectories(json.getParent());
        Files.createDirectories(imageDir);
        ObjectNode root = Json.mapper().createObjectNode();
        root.putObject("info").put("description", "infogap generated corpus, COCO captions format")
                .put("seed", config.seed());
        ArrayNode imagesNode = root.putArray("images");
        ArrayNode annotations = root.putArray("annotations");
        Depiction.Writer<S> composer = depiction.writer(TextComposer.Style.CAPTION, random);
        long annotationId = 1;
        for (int i = 0; i < count; i++) {
            long id = 1 + i;
            String file = String.format(Locale.ROOT, "COCO_synthetic_%012d.jpg", id);
            S scene = depiction.randomScene(random, Split.TRAIN);
            imagesNode.addObject().put("id", id).put("file_name", file).put("width", config.imageSize())
                    .put("height", config.imageSize());
            for (int c = 0; c < CAPTIONS_PER_IMAGE; c++) {
                annotations.addObject().put("id", annotationId++).put("image_id", id)
                        .put("caption", composer.caption(scene));
            }
            images.add(new ImageJob(size -> depiction.render(scene, size), imageDir.resolve(file)));
        }
        Json.mapper().writeValue(json.toFile(), root);
    }

    private static <S> void writeBbcEntry(Depiction<S> depiction, Path folder, String name, Item<S> item, Random random)
            throws IOException {
        Files.createDirectories(folder);
        StringBuilder html = new StringBuilder()
                .append("<!DOCTYPE html>\n<html><head><meta charset=\"iso-8859-1\"><title>BBC NEWS | ")
                .append(name).append("</title></head>\n<body><h1>Report ").append(name).append("</h1>\n");
        List<String> sentences = item.composition.sentences();
        for (int i = 0; i < sentences.size(); ) {
            int n = Math.min(sentences.size() - i, 1 + random.nextInt(3));
            html.append("<p>").append(escape(String.join(" ", sentences.subList(i, i + n)))).append("</p>\n");
            i += n;
        }
        html.append("</body></html>\n");
        Files.write(folder.resolve(name + ".html"), html.toString().getBytes(StandardCharsets.ISO_8859_1));
        String caption = depiction.writer(TextComposer.Style.NEWS, random).caption(item.scene);
        Files.write(folder.resolve(name + ".txt"), caption.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Writes one article line; returns the section name the image's pair gets. */
    private static <S> String writeWikiArticle(Depiction<S> depiction, BufferedWriter out, long id, String file,
                                               Item<S> item, Random random) throws IOException {
        String[] titles = {"Summary", "History", "Geography", "Culture"};
        int sectionCount = 1 + random.nextInt(titles.length);
        boolean summaryImage = sectionCount == 1 || random.nextBoolean();
        int imageSection = summaryImage ? 0 : 1 + random.nextInt(sectionCount - 1);
        List<String> sentences = item.composition.sentences();
        Depiction.Writer<S> filler = depiction.writer(TextComposer.Style.ENCYCLOPEDIA, random);
        List<List<String>> texts = new ArrayList<>();
        for (int s = 0; s < sectionCount; s++) {
            texts.add(new ArrayList<>());
        }
        if (summaryImage) {
            // The pair is the whole article: spread the composed text over the sections, in order.
            for (int i = 0; i < sentences.size(); i++) {
                int section = (int) ((long) i * sectionCount / sentences.size());
                texts.get(section).add(sentences.get(i));
            }
        } else {
            texts.get(imageSection).addAll(sentences);
            for (int s = 0; s < sectionCount; s++) {
                if (s != imageSection) {
                    // a filler-only plan never looks at the scene
                    int n = 1 + random.nextInt(3);
                    texts.get(s).addAll(filler.compose(item.scene, new TextComposer.Plan(0, 0, 0, n)).sentences());
                }
            }
        }
        ObjectNode article = Json.mapper().createObjectNode().put("id", Long.toString(id))
                .put("title", "Synthetic article " + id).put("url", "https://simple.wikipedia.org/wiki/Synthetic_" + id);
        ArrayNode sections = article.putArray("sections");
        for (int s = 0; s < sectionCount; s++) {
            ObjectNode section = sections.addObject().put("title", titles[s]).put("text", String.join(" ", texts.get(s)));
            ArrayNode imagesNode = section.putArray("images");
            if (s == imageSection) {
                imagesNode.addObject().put("file", file).put("caption", "Figure of article " + id);
            }
        }
        writeLine(out, article);
        return summaryImage ? SimpleWikiReader.WHOLE_ARTICLE : titles[imageSection];
    }

    private void renderAll(List<ImageJob> jobs) {
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName("render images").setInitialMax(jobs.size())
                .setUnit(" img", 1).showSpeed().build()) {
            jobs.parallelStream().forEach(job -> {
                BufferedImage image = job.render.apply(config.imageSize());
                String format = job.file.getFileName().toString().endsWith(".png") ? "png" : "jpg";
                try (OutputStream os = Files.newOutputStream(job.file)) {
                    if (!ImageIO.write(image, format, os)) {
                        throw new IOException("no ImageIO writer for " + format);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("writing " + job.file, e);
                }
                bar.step();
            });
        }
    }

    private static ObjectNode putLabels(ObjectNode node, Composition composition) {
        return node.put("mi", LabelRules.cmi(composition).value()).put("sc", LabelRules.sc(composition).value());
    }

    private static void snippets(ObjectNode node, Composition composition) {
        ArrayNode snippets = node.putArray("snippets");
        composition.statements().stream().filter(s -> s.role() == Composition.Role.VISUAL)
                .forEach(s -> snippets.add(s.text()));
    }

    private static <S> ObjectNode groundTruth(Depiction<S> depiction, String key, Item<S> item) {
        ObjectNode node = Json.mapper().createObjectNode().put("pair", key);
        depiction.describe(item.scene, node.putArray("objects"));
        ArrayNode sentences = node.putArray("sentences");
        Composition composition = item.composition;
        for (Composition.Statement s : composition.statements()) {
            sentences.addObject().put("role", s.role().name().toLowerCase(Locale.ROOT)).put("object", s.object())
                    .put("text", s.text());
        }
        return putLabels(node, composition);
    }

    private static void count(Composition c, Map<CmiLevel, Integer> cmi, Map<ScLevel, Integer> sc) {
        cmi.merge(LabelRules.cmi(c), 1, Integer::sum);
        sc.merge(LabelRules.sc(c), 1, Integer::sum);
    }

    private void writeProvenance(Path file, int pairs, Map<CmiLevel, Integer> cmi, Map<ScLevel, Integer> sc)
            throws IOException {
        ObjectNode node = Json.mapper().createObjectNode();
        node.set("config", Json.mapper().valueToTree(config));
        depiction.provenance(node);
        node.put("generated_at", Instant.now().toString()).put("pairs", pairs);
        ObjectNode cmiNode = node.putObject("cmi_counts");
        cmi.forEach((k, v) -> cmiNode.put(Double.toString(k.value()), v));
        ObjectNode scNode = node.putObject("sc_counts");
        sc.forEach((k, v) -> scNode.put(Double.toString(k.value()), v));
        Json.mapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), node);
    }

    private static void writeLine(BufferedWriter out, ObjectNode node) throws IOException {
        out.write(Json.mapper().writeValueAsString(node));
        out.write('\n');
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Swaps the finished corpus in: old folder aside, new folder in, old folder removed. */
    private static void replace(Path tmp, Path out) throws IOException {
        Path old = null;
        if (Files.exists(out)) {
            old = out.resolveSibling("." + out.getFileName() + ".old-" + System.nanoTime());
            Files.move(out, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
        if (old != null) {
            deleteTree(old);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
