package org.infogap.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
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

    /**
     * @param candidates rows of {@code query_id}, {@code text}, {@code image}
     * @param embedded   what {@link SparkEmbed} wrote for the candidates' images
     * @param minCmi     {@code keep} needs at least this CMI level (null: any)
     * @param minSc      and at least this SC level (null: any)
     */
    public static Dataset<Row> score(Dataset<Row> candidates, Dataset<Row> embedded, Path bundle, Double minCmi, Double minSc)
            throws IOException {
        String bundleSha = Hashes.sha256(bundle);
        String bundleName = bundle.toString();
        Dataset<Row> features = keyed(embedded);
        Dataset<Row> joined = candidates.select("query_id", "text", "image")
                .join(features, candidates.col("image").equalTo(features.col("key")))
                .repartition(candidates.col("query_id")).sortWithinPartitions("query_id");
        MapPartitionsFunction<Row, Row> score = rows -> scorePartition(rows, bundleName, bundleSha, minCmi, minSc);
        return joined.mapPartitions(score, Encoders.row(SCHEMA));
    }

    /** The candidates whose image is not among the embedded ones: they are left out of {@link #score}'s rows. */
    public static Dataset<Row> unmatched(Dataset<Row> candidates, Dataset<Row> embedded) {
        return candidates.join(keyed(embedded), candidates.col("image").equalTo(functions.col("key")), "left_anti");
    }

    /** The embedded features under every name a candidate may use. */
    private static Dataset<Row> keyed(Dataset<Row> embedded) {
        // a candidate names its image by id (the file's name, as import registers it), content hash or path
        Column stem = functions.regexp_extract(embedded.col("path"), "([^/]+?)(\\.[^./]*)?$", 1);
        Dataset<Row> byId = embedded.withColumn("key", stem).select("key", "precision", "dimensions", "features");
        Dataset<Row> byHash = embedded.withColumn("key", embedded.col("sha256"))
                .select("key", "precision", "dimensions", "features");
        Dataset<Row> byPath = embedded.withColumn("key", embedded.col("path"))
                .select("key", "precision", "dimensions", "features");
        return byId.union(byHash).union(byPath).dropDuplicates("key");
    }

    private static Iterator<Row> scorePartition(Iterator<Row> rows, String bundleName, String bundleSha, Double minCmi,
                                                Double minSc) throws IOException {
        Scorer scorer = scorer(bundleName, bundleSha);
        SentenceSplitter splitter = new SentenceSplitter();
        List<Row> out = new ArrayList<>();
        List<Row> query = new ArrayList<>();
        while (rows.hasNext()) {
            Row r = rows.next();
            if (!query.isEmpty() && !query.get(0).getAs("query_id").equals(r.getAs("query_id"))) {
                out.addAll(scoreQuery(query, scorer, splitter, bundleSha, minCmi, minSc));
                query.clear();
            }
            query.add(r);
        }
        if (!query.isEmpty()) {
            out.addAll(scoreQuery(query, scorer, splitter, bundleSha, minCmi, minSc));
        }
        return out.iterator();
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

    /** Reads a Parquet or JSONL table (by its extension or folder contents: .json/.jsonl is JSON lines). */
    static Dataset<Row> table(SparkSession spark, String path) {
        return path.endsWith(".json") || path.endsWith(".jsonl") ? spark.read().json(path) : spark.read().parquet(path);
    }
}
