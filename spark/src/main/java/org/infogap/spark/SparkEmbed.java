package org.infogap.spark;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.infogap.data.BadInputException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.infogap.io.Hashes;
import org.infogap.model.ImageEncoder;
import org.infogap.store.FeatureStore;
import org.infogap.store.Precision;

/**
 * {@code spark embed}: every image under a path (Spark's {@code binaryFile} source: local, HDFS or S3 where the
 * cluster has them) through the bundle's image encoder, written as Parquet with the bundle's hash and the encoder's
 * id in every row. The features are stored as the feature store stores them ({@link FeatureStore#DEFAULT_PRECISION}),
 * so an import copies bytes. The bundle is loaded once per executor JVM, and its encoder runs one batch at a time.
 */
public final class SparkEmbed {

    public static final StructType SCHEMA = new StructType()
            .add("sha256", DataTypes.StringType, false)
            .add("path", DataTypes.StringType, false)
            .add("width", DataTypes.IntegerType, false)
            .add("height", DataTypes.IntegerType, false)
            .add("encoder_id", DataTypes.StringType, false)
            .add("bundle_sha256", DataTypes.StringType, false)
            .add("precision", DataTypes.StringType, false)
            .add("dimensions", DataTypes.IntegerType, false)
            .add("features", DataTypes.BinaryType, false);

    private static final Logger LOG = LoggerFactory.getLogger(SparkEmbed.class);
    private static final int BATCH = 16;

    /** Per executor JVM: the encoders of the bundles seen, by the bundle's SHA-256. */
    private static final Map<String, ImageEncoder> ENCODERS = new ConcurrentHashMap<>();

    private SparkEmbed() {
    }

    /**
     * The features of every image under {@code images}, one row per distinct image.
     *
     * @param bundle  the classifier bundle (a path the executors can read, or the name it was shipped under with
     *                {@code --files})
     * @param weights  InceptionV3's weights for the bundle's encoder, or null for one trained from random weights
     * @param rejected counts the files that are not readable images (each logged with its path), skipped
     */
    public static Dataset<Row> embed(SparkSession spark, String images, Path bundle, Path weights, LongAccumulator rejected)
            throws IOException {
        String bundleSha = Hashes.sha256(bundle);
        String bundleName = bundle.toString();
        String weightsName = weights == null ? null : weights.toString();
        Dataset<Row> files = spark.read().format("binaryFile").option("recursiveFileLookup", "true")
                .option("pathGlobFilter", "*.{jpg,jpeg,png,JPG,JPEG,PNG}").load(images).select("path", "content");
        MapPartitionsFunction<Row, Row> encode = rows -> encodePartition(rows, bundleName, bundleSha, weightsName, rejected);
        return files.mapPartitions(encode, Encoders.row(SCHEMA)).dropDuplicates("sha256");
    }

    /** What {@link #embedTo} wrote: rows, and files skipped as unreadable. */
    public record Written(long rows, long rejected) {
    }

    /** Writes {@link #embed}'s rows to {@code out} as Parquet (replacing what is there). */
    public static Written embedTo(SparkSession spark, String images, Path bundle, Path weights, String out) throws IOException {
        LongAccumulator rejected = spark.sparkContext().longAccumulator("unreadable images");
        Dataset<Row> rows = embed(spark, images, bundle, weights, rejected).cache();
        rows.write().mode(SaveMode.Overwrite).parquet(out);
        long n = rows.count();
        rows.unpersist();
        return new Written(n, rejected.value());
    }

    private static Iterator<Row> encodePartition(Iterator<Row> rows, String bundleName, String bundleSha, String weights,
                                                 LongAccumulator rejected) throws IOException {
        ImageEncoder encoder = encoder(bundleName, bundleSha, weights);
        Precision precision = FeatureStore.DEFAULT_PRECISION;
        List<Row> out = new ArrayList<>();
        List<Row> batch = new ArrayList<>(BATCH);
        while (rows.hasNext()) {
            batch.add(rows.next());
            if (batch.size() == BATCH || !rows.hasNext()) {
                List<BufferedImage> decoded = new ArrayList<>(batch.size());
                List<int[]> sizes = new ArrayList<>(batch.size());
                List<Row> readable = new ArrayList<>(batch.size());
                for (Row r : batch) {
                    byte[] bytes = r.getAs("content");
                    BufferedImage full;
                    try {
                        full = encoder.loader().decodeBytes(bytes, Path.of(r.<String>getAs("path")));
                    } catch (BadInputException e) { // one unreadable file does not fail a collection's job
                        LOG.warn("skipped: {}", e.getMessage());
                        rejected.add(1);
                        continue;
                    }
                    readable.add(r);
                    sizes.add(new int[] {full.getWidth(), full.getHeight()});
                    decoded.add(encoder.loader().resize(full));
                }
                batch.clear();
                batch.addAll(readable);
                List<float[]> features;
                synchronized (encoder) { // DL4J graphs are not thread-safe; tasks of one executor share this one
                    features = decoded.isEmpty() ? List.of() : encoder.features(decoded);
                }
                for (int i = 0; i < batch.size(); i++) {
                    Row r = batch.get(i);
                    out.add(RowFactory.create(Hashes.sha256(r.<byte[]>getAs("content")), r.<String>getAs("path"),
                            sizes.get(i)[0], sizes.get(i)[1], encoder.id(), bundleSha, precision.name(),
                            features.get(i).length, precision.encode(features.get(i))));
                }
                batch.clear();
            }
        }
        return out.iterator();
    }

    private static ImageEncoder encoder(String bundleName, String bundleSha, String weights) throws IOException {
        return ShippedBundle.once(ENCODERS, bundleName, bundleSha,
                bundle -> ImageEncoder.forBundle(bundle, weights == null ? null : Path.of(weights)));
    }
}
