package org.infogap.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.infogap.data.CorpusManifest;
import org.infogap.data.ImageTextPair;
import org.infogap.data.ReadOptions;

/**
 * {@code demo} ({@code make spark-demo}): both jobs in local mode on a corpus. {@code embed} reads the images of the
 * corpus's test pairs, {@code score} scores a few of their texts against 20 of those images each (the text's own
 * image among them), and the demo prints where the Parquet went and each text's best candidates.
 */
final class SparkDemo {

    private SparkDemo() {
    }

    static void run(SparkSession spark, Path corpus, Path bundle, Path weights, Path out, int queries) throws IOException {
        List<ImageTextPair> pairs;
        try (var read = CorpusManifest.read(corpus).pairs(ReadOptions.strict())) {
            pairs = read.filter(p -> p.imagePath() != null && p.split() == org.infogap.data.Split.TEST).toList();
        }
        if (pairs.size() < SparkBench.CANDIDATES) {
            throw new IOException(corpus + ": " + pairs.size() + " test pairs with an image; the demo needs "
                    + SparkBench.CANDIDATES);
        }
        List<Row> references = new ArrayList<>();
        for (ImageTextPair p : pairs) {
            references.add(RowFactory.create(p.imagePath().toAbsolutePath().toString()));
        }
        String table = out.resolve("references.parquet").toString();
        spark.createDataFrame(references, new StructType().add("image", "string")).write().mode(SaveMode.Overwrite)
                .parquet(table);
        String embedded = out.resolve("features").toString();
        ShardedOutput.Written e = SparkEmbed.run(spark, SparkEmbed.Input.table(table, "image"), bundle, weights, embedded,
                0, SparkEmbed.OnBad.SKIP, true);
        System.out.printf("embed: %d distinct images of %d test pairs -> %s (%d bad rows)%n", e.rows(), pairs.size(),
                embedded, e.errors());

        List<Row> candidates = new ArrayList<>();
        for (int j = 0; j < Math.min(queries, pairs.size()); j++) {
            int own = j * (pairs.size() / queries);
            String text = String.join(" ", pairs.get(own).sentences());
            for (int c = 0; c < SparkBench.CANDIDATES; c++) {
                ImageTextPair candidate = pairs.get((own + c * 7) % pairs.size()); // c = 0: the text's own image
                candidates.add(RowFactory.create(pairs.get(own).id(), text, "file:" + candidate.imagePath().toAbsolutePath()));
            }
        }
        String lists = out.resolve("candidates.parquet").toString();
        spark.createDataFrame(candidates, SparkScore.CANDIDATES).write().mode(SaveMode.Overwrite).parquet(lists);
        String scored = out.resolve("scored").toString();
        ShardedOutput.Written s = SparkScore.run(spark, lists, embedded, bundle, 0.5, null, scored, 0, SparkEmbed.OnBad.SKIP,
                true);
        System.out.printf("score: %d candidates of %d texts -> %s (%d bad rows)%n%n", s.rows(), queries, scored,
                s.errors());

        Dataset<Row> rows = ShardedOutput.read(spark, scored);
        for (Row q : rows.select("query_id").distinct().orderBy("query_id").limit(3).collectAsList()) {
            String id = q.getString(0);
            String ownImage = candidates.stream().filter(r -> r.getString(0).equals(id)).findFirst().orElseThrow()
                    .getString(2);
            String text = candidates.stream().filter(r -> r.getString(0).equals(id)).findFirst().orElseThrow().getString(1);
            System.out.printf("%s: \"%s\"%n", id, text.length() > 100 ? text.substring(0, 100) + "..." : text);
            List<Row> ranked = rows.filter(functions.col("query_id").equalTo(id)).orderBy(functions.desc("cmi_expected"))
                    .collectAsList();
            for (int r = 0; r < ranked.size(); r++) {
                Row row = ranked.get(r);
                if (r < 3 || row.getString(row.fieldIndex("image")).equals(ownImage)) {
                    String image = row.getString(row.fieldIndex("image"));
                    System.out.printf(Locale.ROOT, "  #%-2d %-40s CMI %.2f (expected %.2f)  SC %.1f  keep %s%s%n", r + 1,
                            image.substring(image.lastIndexOf('/') + 1), row.<Double>getAs("cmi_level"),
                            row.<Double>getAs("cmi_expected"), row.<Double>getAs("sc_level"), row.<Boolean>getAs("keep"),
                            image.equals(ownImage) ? "  <- the text's own image" : "");
                }
            }
        }
    }
}
