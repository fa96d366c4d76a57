package org.infogap.spark;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
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
import org.apache.spark.util.SerializableConfiguration;
import org.infogap.data.BadInputException;
import org.infogap.io.Hashes;
import org.infogap.model.ImageEncoder;
import org.infogap.model.ModelBundle;
import org.infogap.store.FeatureStore;
import org.infogap.store.Precision;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code spark embed}: every image of a collection through the bundle's image encoder, one Parquet row per distinct
 * image (by the SHA-256 of its bytes) with the bundle's hash and the encoder's id. The images are the files under a
 * folder or the references in a table, read through Hadoop's filesystems (local, HDFS or S3 where the cluster has
 * them; never HTTP). The features are stored as the feature store stores them ({@link FeatureStore#DEFAULT_PRECISION}),
 * so an import copies bytes.
 *
 * <p>Two passes: the first reads every file once to hash it and keeps the distinct images as the plan of a
 * {@link ShardedOutput}; the second encodes one shard (a slice of the hashes) at a time and commits it, so a killed job
 * resumes at the first uncommitted shard. The bundle is loaded once per executor JVM, and its encoder runs one batch
 * of {@value #BATCH} at a time.
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

    /** What a shard holds when the job is not told: about a minute of one executor's encoding. */
    public static final int IMAGES_PER_SHARD = 2000;

    private static final StructType HASHED = new StructType()
            .add("sha256", DataTypes.StringType, true)
            .add("path", DataTypes.StringType, false)
            .add("error", DataTypes.StringType, true);
    private static final Logger LOG = LoggerFactory.getLogger(SparkEmbed.class);
    private static final int BATCH = 16;

    /** Per executor JVM: the encoders of the bundles seen, by the bundle's SHA-256. */
    private static final Map<String, ImageEncoder> ENCODERS = new ConcurrentHashMap<>();

    private SparkEmbed() {
    }

    /** What to do with a file that is not a readable image, or a reference that cannot be read. */
    public enum OnBad {
        /** Written to the error table and counted; the job goes on. */
        SKIP,
        /** The job fails, naming the file. */
        FAIL
    }

    /** Where the images are: the files under a folder, the references in a table's column, or a corpus's pairs. */
    public record Input(Kind kind, String location, String column) {

        public enum Kind { FOLDER, TABLE, CORPUS }

        /** Every JPEG and PNG under {@code folder}, recursively. */
        public static Input folder(String folder) {
            return new Input(Kind.FOLDER, folder, null);
        }

        /** The references in column {@code column} of a Parquet or JSON-lines table. */
        public static Input table(String table, String column) {
            return new Input(Kind.TABLE, table, column);
        }

        /** The images of a corpus manifest's pairs (COCO, BBC, Wikipedia, pairs files), read on the driver. */
        public static Input corpus(String manifest) {
            return new Input(Kind.CORPUS, manifest, null);
        }

        String describe() {
            return kind.name().toLowerCase(Locale.ROOT) + ":" + location + (column == null ? "" : "#" + column);
        }
    }

    /**
     * Embeds {@code input} into the {@link ShardedOutput} folder {@code out}, or completes what an earlier run of
     * the same job left there.
     *
     * @param bundle  the classifier bundle (a path the executors can read, or the name it was shipped under with
     *                {@code --files})
     * @param weights InceptionV3's weights for the bundle's encoder (a folder the executors can read, or the name it
     *                was shipped under with {@code --archives}), or null for one trained from random weights
     * @param shards  how many shards (0: one per {@value #IMAGES_PER_SHARD} distinct images)
     */
    public static ShardedOutput.Written run(SparkSession spark, Input input, Path bundle, Path weights, String out, int shards,
                              OnBad onBad, boolean overwrite) throws IOException {
        String bundleSha = Hashes.sha256(bundle);
        String encoderId = ModelBundle.header(bundle).imageEncoderId();
        Precision precision = FeatureStore.DEFAULT_PRECISION;
        ShardedOutput output = ShardedOutput.open(spark, out, Map.of("job", "embed", "input", input.describe(),
                "bundle_sha256", bundleSha, "encoder_id", encoderId, "precision", precision.name()), overwrite);
        var committed = output.committed();
        if (committed.isPresent()) {
            return committed.get();
        }
        Broadcast<SerializableConfiguration> hadoop = spark.sparkContext().broadcast(
                new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()),
                scala.reflect.ClassTag$.MODULE$.apply(SerializableConfiguration.class));
        if (!output.planned()) {
            plan(spark, output, input, hadoop, shards, onBad);
        }
        String bundleName = bundle.toString();
        String weightsName = weights == null ? null : weights.toString();
        List<Integer> pending = output.pending();
        long started = System.nanoTime();
        int done = 0;
        for (int k : pending) {
            CollectionAccumulator<Row> errors = spark.sparkContext().collectionAccumulator("bad images, shard " + k);
            Dataset<Row> slice = output.planRows().filter(shardOf(output.shards()).equalTo(k))
                    .repartition(spark.sparkContext().defaultParallelism());
            MapPartitionsFunction<Row, Row> encode = rows -> encodePartition(rows, hadoop, bundleName, bundleSha,
                    weightsName, onBad, errors);
            output.commit(k, slice.mapPartitions(encode, Encoders.row(SCHEMA)), errors::value);
            done++;
            double perShard = (System.nanoTime() - started) / 1e9 / done;
            LOG.info("shard {} committed ({} of {} this run, {} s per shard, about {} s left)", k, done, pending.size(),
                    String.format(Locale.ROOT, "%.1f", perShard), Math.round(perShard * (pending.size() - done)));
        }
        return output.finish(done);
    }

    /** The first pass: every file read once and hashed; the distinct images are the plan. */
    private static void plan(SparkSession spark, ShardedOutput output, Input input,
                             Broadcast<SerializableConfiguration> hadoop, int shards, OnBad onBad) throws IOException {
        Dataset<Row> refs = switch (input.kind()) {
            // binaryFile reads no file's content when only the path is selected
            case FOLDER -> spark.read().format("binaryFile").option("recursiveFileLookup", "true")
                    .option("pathGlobFilter", "*.{jpg,jpeg,png,JPG,JPEG,PNG}").load(input.location()).select("path");
            case TABLE -> SparkScore.table(spark, input.location(), input.column())
                    .select(functions.col(input.column()).cast("string").as("path"));
            case CORPUS -> {
                // the manifest's readers run here, on the driver: its pairs' image paths, not their bytes
                java.util.Set<String> paths = new java.util.LinkedHashSet<>();
                try (var pairs = org.infogap.data.CorpusManifest.read(Path.of(input.location()))
                        .pairs(org.infogap.data.ReadOptions.strict())) {
                    pairs.filter(p -> p.imagePath() != null).forEach(p -> paths.add(p.imagePath().toAbsolutePath().toString()));
                }
                List<Row> rows = paths.stream().map(p -> RowFactory.create(p)).toList();
                yield spark.createDataFrame(rows, new StructType().add("path", DataTypes.StringType, false));
            }
        };
        MapPartitionsFunction<Row, Row> hash = rows -> hashPartition(rows, hadoop, onBad);
        Dataset<Row> hashed = refs.mapPartitions(hash, Encoders.row(HASHED)).cache();
        Dataset<Row> errors = hashed.filter(functions.col("error").isNotNull()).select(functions.col("path").as("key"),
                functions.lit("read").as("stage"), functions.lit("IOException").as("error_class"),
                functions.col("error").as("message"));
        // the same bytes under two names are one image, kept under the first name in order
        Dataset<Row> distinct = hashed.filter(functions.col("error").isNull()).groupBy("sha256")
                .agg(functions.min("path").as("path"));
        long n = distinct.count();
        int count = shards > 0 ? shards : (int) Math.max(1, (n + IMAGES_PER_SHARD - 1) / IMAGES_PER_SHARD);
        output.plan(distinct, errors, count);
        LOG.info("{} distinct images in {} shards ({} references not read)", n, count, errors.count());
        hashed.unpersist();
    }

    /** A shard is a slice of the content hashes: stable across reruns, and the same bytes always in one shard. */
    static Column shardOf(int shards) {
        return functions.pmod(functions.conv(functions.substring(functions.col("sha256"), 1, 8), 16, 10)
                .cast("long"), functions.lit(shards));
    }

    private static Iterator<Row> hashPartition(Iterator<Row> refs, Broadcast<SerializableConfiguration> hadoop,
                                               OnBad onBad) throws IOException {
        List<Row> out = new ArrayList<>();
        while (refs.hasNext()) {
            String ref = refs.next().getString(0);
            try {
                org.apache.hadoop.fs.Path path = qualified(ref, hadoop);
                out.add(RowFactory.create(Hashes.sha256(bytes(path, hadoop)), path.toString(), null));
            } catch (IOException | IllegalArgumentException e) {
                if (onBad == OnBad.FAIL) {
                    throw new IOException(ref + ": " + e.getMessage(), e);
                }
                LOG.warn("not read: {}: {}", ref, e.getMessage());
                out.add(RowFactory.create(null, String.valueOf(ref), e.getMessage()));
            }
        }
        return out.iterator();
    }

    /** A reference as Hadoop reads it; never over HTTP (the executors fetch nothing from the web). */
    static org.apache.hadoop.fs.Path qualified(String ref, Broadcast<SerializableConfiguration> hadoop) throws IOException {
        if (ref == null || ref.isBlank()) {
            throw new IllegalArgumentException("empty image reference");
        }
        String scheme = ref.contains(":") ? ref.substring(0, ref.indexOf(':')).toLowerCase(Locale.ROOT) : "";
        if (scheme.equals("http") || scheme.equals("https") || scheme.equals("ftp")) {
            throw new IllegalArgumentException("images are read from the cluster's filesystems, not fetched over "
                    + scheme + ": " + ref);
        }
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(ref);
        return path.getFileSystem(hadoop.value().value()).makeQualified(path);
    }

    private static byte[] bytes(org.apache.hadoop.fs.Path path, Broadcast<SerializableConfiguration> hadoop)
            throws IOException {
        FileSystem fs = path.getFileSystem(hadoop.value().value());
        try (InputStream in = fs.open(path)) {
            return in.readAllBytes();
        }
    }

    private static Iterator<Row> encodePartition(Iterator<Row> rows, Broadcast<SerializableConfiguration> hadoop,
                                                 String bundleName, String bundleSha, String weights, OnBad onBad,
                                                 CollectionAccumulator<Row> errors) throws IOException {
        ImageEncoder encoder = encoder(bundleName, bundleSha, weights);
        Precision precision = FeatureStore.DEFAULT_PRECISION;
        List<Row> out = new ArrayList<>();
        List<String[]> batch = new ArrayList<>(BATCH);
        List<BufferedImage> decoded = new ArrayList<>(BATCH);
        List<int[]> sizes = new ArrayList<>(BATCH);
        while (rows.hasNext()) {
            Row r = rows.next();
            String sha = r.getAs("sha256");
            String path = r.getAs("path");
            try {
                BufferedImage full = encoder.loader().decodeBytes(bytes(new org.apache.hadoop.fs.Path(path), hadoop),
                        Path.of(path));
                batch.add(new String[] {sha, path});
                sizes.add(new int[] {full.getWidth(), full.getHeight()});
                decoded.add(encoder.loader().resize(full));
            } catch (BadInputException | IOException e) {
                if (onBad == OnBad.FAIL) {
                    throw new IOException(path + ": " + e.getMessage(), e);
                }
                LOG.warn("skipped: {}", e.getMessage()); // one unreadable file does not fail a collection's job
                errors.add(ShardedOutput.error(path, "decode", e));
            }
            if (batch.size() == BATCH || (!rows.hasNext() && !batch.isEmpty())) {
                List<float[]> features;
                synchronized (encoder) { // DL4J graphs are not thread-safe; tasks of one executor share this one
                    features = encoder.features(decoded);
                }
                for (int i = 0; i < batch.size(); i++) {
                    out.add(RowFactory.create(batch.get(i)[0], batch.get(i)[1], sizes.get(i)[0], sizes.get(i)[1],
                            encoder.id(), bundleSha, precision.name(), features.get(i).length,
                            precision.encode(features.get(i))));
                }
                batch.clear();
                decoded.clear();
                sizes.clear();
            }
        }
        return out.iterator();
    }

    private static ImageEncoder encoder(String bundleName, String bundleSha, String weights) throws IOException {
        return ShippedBundle.once(ENCODERS, bundleName, bundleSha,
                bundle -> ImageEncoder.forBundle(bundle, weights == null ? null : ShippedBundle.weights(weights)));
    }
}
