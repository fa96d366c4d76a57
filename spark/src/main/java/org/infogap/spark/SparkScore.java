package org.infogap.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;
import org.infogap.io.Hashes;
import org.infogap.model.Example;
import org.infogap.model.ModelBundle;
import org.infogap.model.Predictor;
import org.infogap.store.Precision;
import org.infogap.text.SentenceSplitter;
import org.infogap.train.ExampleBuilder;

/**
 * {@code spark score}: candidate lists scored as {@code POST /v1/candidates} scores them. The input has a query id,
 * its text and a candidate image per row; the candidate names an image of what {@link SparkEmbed} wrote by its id as
 * {@code import} registers it (the file's name), its content SHA-256 or its path as {@code embed} read it. Each query's candidates go through the classifier in one pass, so its text
 * is encoded once ({@code Predictor}'s shared sentences), as in the API.
 */
public final class SparkScore {

    /** A candidate list's rows, as {@link #run} reads them: one candidate image per row, its query's text beside it. */
    public static final StructType CANDIDATES = new StructType()
            .add("query_id", DataTypes.StringType).add("text", DataTypes.StringType).add("image", DataTypes.StringType);

    public static final StructType SCHEMA = new StructType()
            .add("query_id", DataTypes.StringType, false)
            .add("image", DataTypes.StringType, false)
            .add("model_sha256", DataTypes.StringType, false)
            .add("cmi_level", DataTypes.DoubleType, false)
            .add("cmi_probabilities", DataTypes.createArrayType(DataTypes.FloatType, false), false)
            .add("cmi_expected", DataTypes.DoubleType, false)
            .add("sc_level", DataTypes.DoubleType, false)
            .add("sc_probabilities", DataTypes.createArrayType(DataTypes.FloatType, false), false)
            .add("sc_expected", DataTypes.DoubleType, false)
            .add("keep", DataTypes.BooleanType, false);

    /** Per executor JVM: the predictor and the text side of each bundle, by the bundle's SHA-256. */
    private static final Map<String, Scorer> SCORERS = new ConcurrentHashMap<>();

    private record Scorer(ModelBundle bundle, Predictor predictor, ExampleBuilder text) {
    }

    private SparkScore() {
    }

    /** Candidates in a shard when the job is not told. */
    public static final int CANDIDATES_PER_SHARD = 100_000;

    /**
     * Scores the candidate lists of {@code candidatesTable} against what {@code embed} committed at
     * {@code embedded}, into the {@link ShardedOutput} folder {@code out} (or completes an earlier run's). A shard is
     * a slice of the query ids, so a query's candidates are scored together. A candidate whose image was not
     * embedded (the API's 404) and a query whose text is empty or refused go to the error table, or fail the job.
     */
    public static ShardedOutput.Written run(SparkSession spark, String candidatesTable, String embedded, Path bundle, Double minCmi,
                              Double minSc, String out, int shards, SparkEmbed.OnBad onBad, boolean overwrite)
            throws IOException {
        String bundleSha = Hashes.sha256(bundle);
        ShardedOutput.Manifest features = ShardedOutput.manifest(spark, embedded);
        ShardedOutput output = ShardedOutput.open(spark, out, Map.of("job", "score", "candidates", candidatesTable,
                "embedded", embedded + "@" + features.committedAt(), "bundle_sha256", bundleSha,
                "min_cmi", String.valueOf(minCmi), "min_sc", String.valueOf(minSc)), overwrite);
        var committed = output.committed();
        if (committed.isPresent()) {
            return committed.get();
        }
        Dataset<Row> lists = table(spark, candidatesTable, "query_id", "text", "image").select(functions.col("query_id").cast("string"), functions.col("text").cast("string"),
                functions.col("image").cast("string"));
        Dataset<Row> images = ShardedOutput.read(spark, embedded);
        Column hasText = functions.col("text").isNotNull().and(functions.trim(functions.col("text")).notEqual(""));
        if (!output.planned()) {
            Dataset<Row> noText = lists.filter(functions.not(hasText)).select(functions.col("query_id").as("key"), functions.lit("text").as("stage"),
                    functions.lit("EmptyText").as("error_class"), functions.lit("the text is empty").as("message"));
            Dataset<Row> noImage = unmatched(lists, images).select(functions.concat_ws(" ", functions.col("query_id"),
                    functions.col("image")).as("key"), functions.lit("match").as("stage"),
                    functions.lit("UnknownImage").as("error_class"),
                    functions.lit("no embedded image has this id, sha256 or path").as("message"));
            Dataset<Row> bad = noText.union(noImage);
            if (onBad == SparkEmbed.OnBad.FAIL && !bad.isEmpty()) {
                Row first = bad.first();
                throw new IOException(candidatesTable + ": " + first.getString(0) + ": " + first.getString(3)
                        + " (--on-bad skip writes such rows to the error table)");
            }
            long n = lists.count();
            int count = shards > 0 ? shards : (int) Math.max(1, (n + CANDIDATES_PER_SHARD - 1) / CANDIDATES_PER_SHARD);
            output.plan(null, bad, count);
        }
        Column shardOf = functions.pmod(functions.hash(functions.col("query_id")), functions.lit(output.shards()));
        Dataset<Row> scorable = lists.filter(hasText);
        int done = 0;
        for (int k : output.pending()) {
            CollectionAccumulator<Row> errors = spark.sparkContext().collectionAccumulator("refused queries, shard " + k);
            output.commit(k, score(scorable.filter(shardOf.equalTo(k)), images, bundle, minCmi, minSc, onBad, errors),
                    errors::value);
            done++;
        }
        return output.finish(done);
    }

    /**
     * @param candidates rows of {@code query_id}, {@code text}, {@code image}
     * @param embedded   what {@link SparkEmbed} wrote for the candidates' images
     * @param minCmi     {@code keep} needs at least this CMI level (null: any)
     * @param minSc      and at least this SC level (null: any)
     */
    public static Dataset<Row> score(Dataset<Row> candidates, Dataset<Row> embedded, Path bundle, Double minCmi, Double minSc)
            throws IOException {
        return score(candidates, embedded, bundle, minCmi, minSc, SparkEmbed.OnBad.FAIL, null);
    }

    private static Dataset<Row> score(Dataset<Row> candidates, Dataset<Row> embedded, Path bundle, Double minCmi,
                                      Double minSc, SparkEmbed.OnBad onBad, CollectionAccumulator<Row> errors)
            throws IOException {
        String bundleSha = Hashes.sha256(bundle);
        String bundleName = bundle.toString();
        // names first (small rows), then the features once by content hash: a feature row is shuffled once, not
        // once per name it goes by
        Dataset<Row> names = names(embedded);
        Dataset<Row> resolved = candidates.select("query_id", "text", "image")
                .join(names, candidates.col("image").equalTo(names.col("key"))).drop("key");
        Dataset<Row> joined = resolved.join(embedded.select("sha256", "precision", "dimensions", "features"), "sha256")
                .repartition(functions.col("query_id")).sortWithinPartitions("query_id");
        MapPartitionsFunction<Row, Row> score = rows -> scorePartition(rows, bundleName, bundleSha, minCmi, minSc, onBad,
                errors);
        return joined.mapPartitions(score, Encoders.row(SCHEMA));
    }
    /** The candidates whose image is not among the embedded ones: they are left out of {@link #score}'s rows. */
    public static Dataset<Row> unmatched(Dataset<Row> candidates, Dataset<Row> embedded) {
        return candidates.join(names(embedded), candidates.col("image").equalTo(functions.col("key")), "left_anti");
    }

    /** Every name a candidate may use for an embedded image ({@code key}), with the image's {@code sha256}. */
    private static Dataset<Row> names(Dataset<Row> embedded) {
        // by id (the file's name, as import registers it), by content hash or by path
        Column stem = functions.regexp_extract(embedded.col("path"), "([^/]+?)(\\.[^./]*)?$", 1);
        Dataset<Row> byId = embedded.select(stem.as("key"), embedded.col("sha256"));
        Dataset<Row> byHash = embedded.select(embedded.col("sha256").as("key"), embedded.col("sha256"));
        Dataset<Row> byPath = embedded.select(embedded.col("path").as("key"), embedded.col("sha256"));
        return byId.union(byHash).union(byPath).dropDuplicates("key");
    }

    private static Iterator<Row> scorePartition(Iterator<Row> rows, String bundleName, String bundleSha, Double minCmi,
                                                Double minSc, SparkEmbed.OnBad onBad,
                                                CollectionAccumulator<Row> errors) throws IOException {
        Scorer scorer = scorer(bundleName, bundleSha);
        SentenceSplitter splitter = new SentenceSplitter();
        List<Row> out = new ArrayList<>();
        List<Row> query = new ArrayList<>();
        while (rows.hasNext()) {
            Row r = rows.next();
            if (!query.isEmpty() && !query.get(0).getAs("query_id").equals(r.getAs("query_id"))) {
                out.addAll(scoreOrRefuse(query, scorer, splitter, bundleSha, minCmi, minSc, onBad, errors));
                query.clear();
            }
            query.add(r);
        }
        if (!query.isEmpty()) {
            out.addAll(scoreOrRefuse(query, scorer, splitter, bundleSha, minCmi, minSc, onBad, errors));
        }
        return out.iterator();
    }

    /** A query the pipeline refuses (its text, its features) is one error row, not a failed job, unless asked. */
    private static List<Row> scoreOrRefuse(List<Row> query, Scorer scorer, SentenceSplitter splitter, String bundleSha,
                                           Double minCmi, Double minSc, SparkEmbed.OnBad onBad,
                                           CollectionAccumulator<Row> errors) {
        try {
            return scoreQuery(query, scorer, splitter, bundleSha, minCmi, minSc);
        } catch (RuntimeException e) {
            if (onBad == SparkEmbed.OnBad.FAIL || errors == null) {
                throw new IllegalArgumentException("query " + query.get(0).getAs("query_id") + ": " + e.getMessage(), e);
            }
            errors.add(ShardedOutput.error(query.get(0).getAs("query_id"), "score", e));
            return List.of();
        }
    }

    /** One query's candidates in one pass: the text's ids once, shared by every candidate. */
    private static List<Row> scoreQuery(List<Row> query, Scorer scorer, SentenceSplitter splitter, String bundleSha,
                                        Double minCmi, Double minSc) {
        List<int[]> ids = scorer.text().ids(splitter.split(query.get(0).getAs("text")), true);
        List<Example> examples = new ArrayList<>(query.size());
        for (Row r : query) {
            float[] f = Precision.valueOf(r.getAs("precision")).decode(r.getAs("features"), r.<Integer>getAs("dimensions"));
            examples.add(new Example(r.getAs("image"), scorer.bundle().featureNorm().apply(f), ids, null, -1, -1));
        }
        List<Predictor.Prediction> predictions;
        synchronized (scorer) { // SameDiff graphs are not thread-safe; tasks of one executor share this one
            predictions = scorer.predictor().predict(examples);
        }
        List<Row> out = new ArrayList<>(query.size());
        for (int i = 0; i < query.size(); i++) {
            Predictor.Prediction p = predictions.get(i);
            boolean keep = (minCmi == null || p.cmi().value() >= minCmi) && (minSc == null || p.sc().value() >= minSc);
            out.add(RowFactory.create(query.get(i).getAs("query_id"), query.get(i).getAs("image"), bundleSha,
                    p.cmi().value(), boxed(p.cmiProbabilities()), p.expectedCmi(), p.sc().value(),
                    boxed(p.scProbabilities()), p.expectedSc(), keep));
        }
        return out;
    }

    private static Float[] boxed(float[] values) {
        Float[] out = new Float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    private static Scorer scorer(String bundleName, String bundleSha) throws IOException {
        // the text side only: no image encoder or store (the features come with the rows)
        return ShippedBundle.once(SCORERS, bundleName, bundleSha, bundle -> new Scorer(bundle, new Predictor(bundle),
                new ExampleBuilder(bundle.config(), bundle.vocabulary(), null, null)));
    }

    /**
     * Reads a Parquet or JSONL table (by its extension: .json/.jsonl is JSON lines), refusing one without every column
     * of {@code required}, named with the table's own columns.
     */
    static Dataset<Row> table(SparkSession spark, String path, String... required) throws IOException {
        Dataset<Row> table = path.endsWith(".json") || path.endsWith(".jsonl") ? spark.read().json(path)
                : spark.read().parquet(path);
        for (String column : required) {
            if (!Arrays.asList(table.columns()).contains(column)) {
                throw new IOException(path + ": no column '" + column + "' (columns: " + String.join(", ", table.columns())
                        + ")");
            }
        }
        return table;
    }
}
