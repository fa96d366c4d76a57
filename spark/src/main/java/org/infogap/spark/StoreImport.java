package org.infogap.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.infogap.serve.ImageStore;
import org.infogap.store.Precision;

/**
 * What {@link SparkEmbed} wrote, registered in the API's image store ({@code serve --store}): each row becomes an
 * image whose id is its file's name, its features copied as they are. The rows stream to the driver one partition
 * at a time and are written {@value #BATCH} per transaction, so memory does not grow with the collection.
 */
public final class StoreImport {

    /** The API's image ids (openapi.yaml): an id that does not match is refused, naming its file. */
    static final Pattern ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$");
    private static final int BATCH = 500;

    private StoreImport() {
    }

    /** Registers every row that {@code embed} committed at {@code parquet} in the image store at {@code store}; returns how many. */
    public static long importInto(SparkSession spark, String parquet, Path store) throws IOException {
        Dataset<Row> rows = ShardedOutput.read(spark, parquet);
        Row first = rows.select("encoder_id", "dimensions").first();
        String encoder = first.getString(0);
        int dimensions = first.getInt(1);
        long n = 0;
        try (ImageStore images = ImageStore.open(store, encoder, dimensions)) {
            List<ImageStore.Registration> batch = new ArrayList<>(BATCH);
            for (Iterator<Row> it = rows.toLocalIterator(); it.hasNext(); ) {
                Row r = it.next();
                String path = r.getAs("path");
                if (!encoder.equals(r.getAs("encoder_id")) || r.<Integer>getAs("dimensions") != dimensions) {
                    throw new IOException(parquet + ": " + path + " comes from encoder " + r.getAs("encoder_id")
                            + ", the first row from " + encoder + ": one store holds one encoder's features");
                }
                String name = path.substring(path.lastIndexOf('/') + 1);
                String id = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
                if (!ID.matcher(id).matches()) {
                    throw new IOException(parquet + ": " + path + ": '" + id + "' is not an image id the API accepts ("
                            + ID.pattern() + ")");
                }
                float[] features = Precision.valueOf(r.getAs("precision")).decode(r.getAs("features"), dimensions);
                batch.add(new ImageStore.Registration(id, r.getAs("sha256"), r.<Integer>getAs("width"),
                        r.<Integer>getAs("height"), features));
                if (batch.size() == BATCH) {
                    images.putAll(batch);
                    n += batch.size();
                    batch.clear();
                }
            }
            images.putAll(batch);
            n += batch.size();
        }
        return n;
    }
}
