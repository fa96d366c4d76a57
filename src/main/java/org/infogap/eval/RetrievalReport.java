package org.infogap.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.infogap.annotate.LabelledPairs;
import org.infogap.data.BadInputException;
import org.infogap.data.CmiLevel;
import org.infogap.data.ScLevel;
import org.infogap.data.Split;
import org.infogap.io.AtomicFiles;
import org.infogap.io.Json;
import org.infogap.model.Example;
import org.infogap.model.ModelBundle;
import org.infogap.model.Predictor;
import org.infogap.text.SentenceSplitter;
import org.infogap.train.ExampleBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/**
 * Why the search stack calls us: text queries with candidate images of graded relevance, ranked as a
 * retrieval system gave them; the classifier scores every (query, candidate) pair; candidates below an
 * SC or CMI threshold are dropped. Recall@K and NDCG@K before and after filtering, over a sweep of
 * thresholds, with the share of candidates dropped and the precision and recall of what is kept.
 *
 * <p>Candidate lists come from a JSONL file (one query per line: {@code {"query", "text", "candidates":
 * [{"id", "image", "relevance"}]}}, image paths relative to the file), or are generated from the default
 * corpus's labelled test pairs: the query's own image (relevance 3), images showing 1 or 2 of the
 * objects its text truly describes (relevance 1, 2), images showing none of them (0); in a seeded
 * random order, as a weak first-stage retriever would return them.
 */
public final class RetrievalReport {

    public static final int[] KS = {1, 5, 10};

    /** One candidate: an image and how relevant it is to the query (0 = not). */
    public record Candidate(String id, Path image, int relevance) {
    }

    /** One query and its candidates in the first-stage order. */
    public record Query(String id, String text, List<Candidate> candidates) {
    }

    private RetrievalReport() {
    }

    /** Reads the documented JSONL format; errors name the line and field. */
    public static List<Query> read(Path file) throws IOException {
        List<Query> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Path base = file.toAbsolutePath().getParent();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            String where = "line " + (i + 1);
            JsonNode n;
            try {
                n = Json.parseWhole(lines.get(i));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new BadInputException(file, where, null, "broken JSON: " + e.getOriginalMessage());
            }
            String text = n.path("text").asText("");
            if (text.isBlank() || !n.path("candidates").isArray() || n.path("candidates").isEmpty()) {
                throw new BadInputException(file, where, text.isBlank() ? "text" : "candidates", "missing or empty");
            }
            List<Candidate> candidates = new ArrayList<>();
            int c = 0;
            for (JsonNode cand : n.path("candidates")) {
                String image = cand.path("image").asText("");
                if (image.isEmpty()) {
                    throw new BadInputException(file, where, "candidates[" + c + "].image", "missing");
                }
                candidates.add(new Candidate(cand.path("id").asText("c" + c), base.resolve(image), cand.path("relevance").asInt(0)));
                c++;
            }
            out.add(new Query(n.path("query").asText("q" + (i + 1)), text, candidates));
        }
        return out;
    }

    /** Candidate lists from the labelled test pairs of the generated corpus and its composition file. */
    public static List<Query> generate(Path labelled, Path composition, long seed, int perQuery) throws IOException {
        Map<String, JsonNode> compositions = new HashMap<>();
        for (String line : Files.readAllLines(composition, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                JsonNode n = Json.parseWhole(line);
                compositions.put(n.path("pair").asText(), n);
            }
        }
        List<LabelledPairs.Labelled> pairs = LabelledPairs.read(labelled).stream()
                .filter(l -> compositions.containsKey(l.pair().key())).toList();
        Random random = new Random(seed);
        List<Query> queries = new ArrayList<>();
        for (LabelledPairs.Labelled q : pairs) {
            if (q.split() != Split.TEST) {
                continue;
            }
            JsonNode comp = compositions.get(q.pair().key());
            List<String> described = new ArrayList<>();
            for (JsonNode s : comp.path("sentences")) {
                int object = s.path("object").asInt(-1);
                if (s.path("role").asText().equals("visual") && object >= 0) {
                    described.add(objectKey(comp.path("objects").get(object)));
                }
            }
            if (described.isEmpty()) {
                continue; // a text about none of its image's objects has no relevant image to find
            }
            List<Candidate> relevant = new ArrayList<>();
            List<Candidate> irrelevant = new ArrayList<>();
            List<LabelledPairs.Labelled> others = new ArrayList<>(pairs);
            Collections.shuffle(others, random);
            for (LabelledPairs.Labelled o : others) {
                if (o == q || o.pair().imagePath().equals(q.pair().imagePath())) {
                    continue;
                }
                List<String> shown = new ArrayList<>();
                compositions.get(o.pair().key()).path("objects").forEach(ob -> shown.add(objectKey(ob)));
                int shared = (int) described.stream().distinct().filter(shown::contains).count();
                Candidate c = new Candidate(o.pair().key(), o.pair().imagePath(), Math.min(2, shared));
                if (shared > 0 && relevant.size() < perQuery / 3) {
                    relevant.add(c);
                } else if (shared == 0 && irrelevant.size() < perQuery - 1 - perQuery / 3) {
                    irrelevant.add(c);
                }
            }
            List<Candidate> list = new ArrayList<>();
            list.add(new Candidate(q.pair().key(), q.pair().imagePath(), 3));
            list.addAll(relevant);
            list.addAll(irrelevant);
            Collections.shuffle(list, random);
            queries.add(new Query(q.pair().key(), String.join(" ", q.pair().sentences()), list));
        }
        return queries;
    }

    private static String objectKey(JsonNode object) {
        return object.path("colour").asText() + " " + object.path("shape").asText();
    }

    /** Scores every candidate, sweeps the thresholds, writes retrieval.json/.md/.html and plots into {@code out}. */
    public static ObjectNode run(Path classifier, List<Query> queries, Path inceptionWeights, Path featureCache, Path out,
                                 String source) throws IOException {
        ModelBundle bundle = ModelBundle.load(classifier);
        Predictor predictor = new Predictor(bundle);
        ExampleBuilder builder = ExampleBuilder.forBundle(bundle, inceptionWeights, featureCache);
        List<Path> images = queries.stream().flatMap(q -> q.candidates().stream().map(Candidate::image)).distinct().toList();
        Map<Path, float[]> features = builder.encoder().features(images, builder.cache());
        SentenceSplitter splitter = new SentenceSplitter();
        List<Example> examples = new ArrayList<>();
        for (Query q : queries) {
            List<int[]> ids = builder.ids(splitter.split(q.text()), true);
            for (Candidate c : q.candidates()) {
                examples.add(new Example(q.id() + "|" + c.id(), bundle.featureNorm().apply(features.get(c.image())), ids,
                        null, -1, -1));
            }
        }
        List<Predictor.Prediction> predictions = predictor.predict(examples);
        Map<String, Predictor.Prediction> byKey = new HashMap<>();
        predictions.forEach(p -> byKey.put(p.key(), p));

        ObjectNode results = Json.mapper().createObjectNode();
        results.putObject("provenance").put("classifier", classifier.toString()).put("queries", queries.size())
                .put("candidates", examples.size()).put("source", source).put("created", java.time.Instant.now().toString());
        ArrayNode sweep = results.putArray("sweep");
        sweep.add(evaluate(queries, byKey, "none", 0, p -> true));
        for (ScLevel sc : ScLevel.values()) {
            sweep.add(evaluate(queries, byKey, "sc", sc.value(), p -> p.sc().value() >= sc.value()));
        }
        for (CmiLevel cmi : CmiLevel.values()) {
            sweep.add(evaluate(queries, byKey, "cmi", cmi.value(), p -> p.cmi().value() >= cmi.value()));
        }
        Files.createDirectories(out.resolve("plots"));
        Map<String, byte[]> plots = plots(sweep);
        for (Map.Entry<String, byte[]> p : plots.entrySet()) {
            AtomicFiles.write(out.resolve("plots").resolve(p.getKey()), o -> o.write(p.getValue()));
        }
        AtomicFiles.writeString(out.resolve("retrieval.json"), Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(results));
        String md = markdown(results, plots.keySet());
        AtomicFiles.writeString(out.resolve("retrieval.md"), md);
        AtomicFiles.writeString(out.resolve("retrieval.html"), html(md, plots));
        return results;
    }

    private static ObjectNode evaluate(List<Query> queries, Map<String, Predictor.Prediction> byKey, String measure,
                                       double threshold, Predicate<Predictor.Prediction> keep) {
        Map<String, double[]> sums = new LinkedHashMap<>();
        int counted = 0;
        long kept = 0;
        long total = 0;
        long keptRelevant = 0;
        long relevant = 0;
        for (Query q : queries) {
            List<Integer> all = q.candidates().stream().map(Candidate::relevance).toList();
            List<Integer> shown = new ArrayList<>();
            for (Candidate c : q.candidates()) {
                boolean k = keep.test(byKey.get(q.id() + "|" + c.id()));
                total++;
                relevant += c.relevance() > 0 ? 1 : 0;
                if (k) {
                    shown.add(c.relevance());
                    kept++;
                    keptRelevant += c.relevance() > 0 ? 1 : 0;
                }
            }
            if (all.stream().noneMatch(r -> r > 0)) {
                continue;
            }
            counted++;
            for (int k : KS) {
                sums.computeIfAbsent("recall@" + k, x -> new double[1])[0] += RankingMetrics.recallAt(shown, all, k);
                sums.computeIfAbsent("ndcg@" + k, x -> new double[1])[0] += RankingMetrics.ndcgAt(shown, all, k);
            }
        }
        ObjectNode n = Json.mapper().createObjectNode().put("filter", measure).put("threshold", threshold);
        for (Map.Entry<String, double[]> e : sums.entrySet()) {
            n.put(e.getKey(), e.getValue()[0] / Math.max(1, counted));
        }
        n.put("dropped", total == 0 ? 0 : 1 - (double) kept / total)
                .put("precision_kept", kept == 0 ? 0 : (double) keptRelevant / kept)
                .put("recall_kept", relevant == 0 ? 0 : (double) keptRelevant / relevant);
        return n;
    }

    private static Map<String, byte[]> plots(ArrayNode sweep) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Map<String, byte[]> plots = new LinkedHashMap<>();
        XYChart pr = new XYChartBuilder().width(520).height(360).title("Relevant candidates kept vs precision of what is kept")
                .xAxisTitle("recall (relevant kept / relevant)").yAxisTitle("precision (relevant kept / kept)").build();
        XYChart dropped = new XYChartBuilder().width(520).height(360).title("Candidates dropped by threshold")
                .xAxisTitle("threshold (minimum level)").yAxisTitle("share dropped").build();
        XYChart ndcg = new XYChartBuilder().width(520).height(360).title("NDCG@10 after filtering").xAxisTitle("threshold")
                .yAxisTitle("NDCG@10").build();
        for (String measure : List.of("sc", "cmi")) {
            List<Double> x = new ArrayList<>();
            List<Double> recall = new ArrayList<>();
            List<Double> precision = new ArrayList<>();
            List<Double> drop = new ArrayList<>();
            List<Double> n10 = new ArrayList<>();
            sweep.forEach(s -> {
                if (s.path("filter").asText().equals(measure)) {
                    x.add(s.path("threshold").asDouble());
                    recall.add(s.path("recall_kept").asDouble());
                    precision.add(s.path("precision_kept").asDouble());
                    drop.add(s.path("dropped").asDouble());
                    n10.add(s.path("ndcg@10").asDouble());
                }
            });
            pr.addSeries(measure.toUpperCase(Locale.ROOT), recall, precision);
            dropped.addSeries(measure.toUpperCase(Locale.ROOT), x, drop);
            ndcg.addSeries(measure.toUpperCase(Locale.ROOT), x, n10);
        }
        plots.put("retrieval_precision_recall.png", ReportWriter.png(pr));
        plots.put("retrieval_dropped.png", ReportWriter.png(dropped));
        plots.put("retrieval_ndcg10.png", ReportWriter.png(ndcg));
        return plots;
    }

    private static String markdown(ObjectNode results, Iterable<String> plots) {
        JsonNode p = results.path("provenance");
        StringBuilder md = new StringBuilder("# infogap retrieval-filtering report\n\n");
        md.append(String.format(Locale.ROOT, "Classifier %s; %d queries, %d candidate pairs (%s). Filtering drops candidates "
                + "whose predicted level is below the threshold; 'none' is the first-stage order.%n%n",
                p.path("classifier").asText(), p.path("queries").asInt(), p.path("candidates").asInt(), p.path("source").asText()));
        md.append("| filter | min level | recall@1 | recall@5 | recall@10 | NDCG@1 | NDCG@5 | NDCG@10 | dropped | precision kept | recall kept |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (JsonNode s : results.path("sweep")) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %.4f | %.4f | %.4f | %.4f | %.4f | %.4f | %.4f | %.4f | %.4f |%n",
                    s.path("filter").asText(), s.path("filter").asText().equals("none") ? "" : s.path("threshold").asText(),
                    s.path("recall@1").asDouble(), s.path("recall@5").asDouble(), s.path("recall@10").asDouble(),
                    s.path("ndcg@1").asDouble(), s.path("ndcg@5").asDouble(), s.path("ndcg@10").asDouble(),
                    s.path("dropped").asDouble(), s.path("precision_kept").asDouble(), s.path("recall_kept").asDouble()));
        }
        md.append('\n');
        plots.forEach(name -> md.append("![").append(name).append("](plots/").append(name).append(")\n\n"));
        return md.toString();
    }

    private static String html(String markdown, Map<String, byte[]> plots) {
        StringBuilder h = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>infogap retrieval report</title>"
                + "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto}table{border-collapse:collapse}"
                + "td,th{border:1px solid #bbb;padding:4px 8px;text-align:right}td:first-child{text-align:left}</style></head><body>");
        boolean inTable = false;
        for (String line : markdown.split("\n")) {
            if (line.startsWith("# ")) {
                h.append("<h1>").append(ReportWriter.escape(line.substring(2))).append("</h1>");
            } else if (line.startsWith("|---")) {
                continue;
            } else if (line.startsWith("|")) {
                if (!inTable) {
                    h.append("<table>");
                    inTable = true;
                }
                h.append("<tr>");
                for (String cell : line.substring(1, line.length() - 1).split("\\|")) {
                    h.append("<td>").append(ReportWriter.escape(cell.strip())).append("</td>");
                }
                h.append("</tr>");
            } else {
                if (inTable) {
                    h.append("</table>");
                    inTable = false;
                }
                if (line.startsWith("![")) {
                    String name = line.substring(2, line.indexOf(']'));
                    h.append("<img alt=\"").append(name).append("\" src=\"data:image/png;base64,")
                            .append(Base64.getEncoder().encodeToString(plots.get(name))).append("\">");
                } else if (!line.isBlank()) {
                    h.append("<p>").append(ReportWriter.escape(line)).append("</p>");
                }
            }
        }
        return h.append(inTable ? "</table>" : "").append("</body></html>\n").toString();
    }

}
