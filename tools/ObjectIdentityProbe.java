import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import javax.imageio.ImageIO;
import org.infogap.data.ImageLoader;
import org.infogap.eval.SvmBaseline;
import org.infogap.model.ImageEncoder;
import org.infogap.synth.PictureCatalogue;

/**
 * Which InceptionV3 block tells what a thing is, across artists? Each kind of the real-image corpus's catalogue is
 * drawn alone, at a random place and size on a pastel background, several times by each artist; a linear SVM on the
 * pooled features of one block learns the kind from the first artist's pictures and names it on the second's (and,
 * as a ceiling, on held-out drawings by the first). Chance is one over the kinds.
 *
 * <p>The scenes are drawn at the corpus's 160 px; an optional fourth argument lists the encoder's input sizes, to
 * which the loader scales them as it scales a corpus image (InceptionV3's own is 299 px). An optional fifth lists how
 * a 17x17-stage block's map (mixed3..mixed7) becomes one vector: {@code mean} (the model's pooling), {@code max}, or
 * {@code gem}, the generalised mean with p = 3.
 *
 * <pre>
 * java -Xmx6g -cp "target/infogap.jar:target/lib/*" tools/ObjectIdentityProbe.java \
 *     datasets/pictures/google,datasets/pictures/twitter models/image-encoder/nsfwjs-4.4.0 mixed5,mixed7,mixed10 [160,299] [mean,gem]
 * </pre>
 */
public class ObjectIdentityProbe {

    static final int SIZE = 160;
    static final int PER_ARTIST = 8;

    public static void main(String[] args) throws Exception {
        List<Path> sources = new ArrayList<>();
        for (String s : args[0].split(",")) {
            sources.add(Path.of(s));
        }
        PictureCatalogue catalogue = PictureCatalogue.read(sources, 150, 42);
        Path weights = Path.of(args[1]);
        String[] layers = args[2].split(",");
        String[] sizes = args.length > 3 ? args[3].split(",") : new String[] {Integer.toString(SIZE)};
        String[] poolings = args.length > 4 ? args[4].split(",") : new String[] {"mean"};
        Random random = new Random(1);
        List<BufferedImage> firstArtist = new ArrayList<>();
        List<BufferedImage> secondArtist = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int k = 0; k < catalogue.kinds().size(); k++) {
            List<Path> pictures = catalogue.kinds().get(k).pictures();
            if (pictures.size() < 2) {
                continue;
            }
            BufferedImage a = ImageIO.read(pictures.get(0).toFile());
            BufferedImage b = ImageIO.read(pictures.get(pictures.size() - 1).toFile());
            for (int r = 0; r < PER_ARTIST; r++) {
                firstArtist.add(scene(a, random));
                secondArtist.add(scene(b, random));
                labels.add(k);
            }
        }
        int kinds = (int) labels.stream().distinct().count();
        System.out.printf(Locale.ROOT, "%d kinds drawn by both artists, %d scenes each; chance %.4f%n", kinds, labels.size(),
                1.0 / kinds);
        for (String size : sizes) {
            for (String layer : layers) {
                probe(Integer.parseInt(size), layer, poolings, weights, firstArtist, secondArtist, labels);
            }
        }
    }

    /**
     * Learns the kind from the first artist's renders at one input size and block, pooled each way asked; prints how
     * often it is named.
     */
    static void probe(int input, String layer, String[] poolings, Path weights, List<BufferedImage> firstArtist,
                      List<BufferedImage> secondArtist, List<Integer> labels) throws Exception {
        ImageLoader loader = new ImageLoader(input);
        boolean cells = !(poolings.length == 1 && poolings[0].equals("mean"));
        // the encoder's own pooling is the mean; other poolings are computed from the block's cells
        ImageEncoder encoder = ImageEncoder.create(input, weights, 42, cells ? layer : null, layer);
        float[][] firstMaps = encode(encoder, loader, firstArtist);
        float[][] secondMaps = encode(encoder, loader, secondArtist);
        for (String pooling : poolings) {
            float[][] first = cells ? pool(firstMaps, pooling) : firstMaps;
            float[][] second = cells ? pool(secondMaps, pooling) : secondMaps;
            named(input, layer, pooling, first, second, labels);
        }
    }

    /** Trains on the first artist's even renders; prints how often the kind is named on the odd ones and on the other artist's. */
    static void named(int input, String layer, String pooling, float[][] first, float[][] second, List<Integer> labels) {
        // first artist: even renders train, odd renders are the same drawing elsewhere (the within-artist ceiling)
        List<float[]> trainX = new ArrayList<>();
        List<Integer> trainY = new ArrayList<>();
        List<float[]> sameX = new ArrayList<>();
        List<Integer> sameY = new ArrayList<>();
        for (int i = 0; i < first.length; i++) {
            (i % 2 == 0 ? trainX : sameX).add(first[i]);
            (i % 2 == 0 ? trainY : sameY).add(labels.get(i));
        }
        SvmBaseline.Fitted svm = SvmBaseline.fit(trainX.toArray(float[][]::new),
                trainY.stream().mapToInt(Integer::intValue).toArray(), 3, 42);
        double same = accuracy(svm.predict(sameX.toArray(float[][]::new)), sameY);
        double other = accuracy(svm.predict(second), labels);
        System.out.printf(Locale.ROOT, "%d px %-8s %-4s %5d features: same drawings elsewhere %.3f, the other artist's %.3f (C %g)%n",
                input, layer, pooling, first[0].length, same, other, svm.c());
    }

    /** Per channel: the block's mean as the encoder lists it first, or its cells (listed after it) pooled otherwise. */
    static float[][] pool(float[][] features, String pooling) {
        int channels = org.infogap.model.InceptionV3.GRID_CHANNELS;
        int cells = features[0].length / channels - 1;
        float[][] out = new float[features.length][channels];
        for (int i = 0; i < features.length; i++) {
            for (int c = 0; c < channels; c++) {
                double max = 0;
                double cubes = 0;
                for (int k = 0; k < cells; k++) {
                    double x = Math.max(0, features[i][channels + k * channels + c]); // ReLU outputs, bar rounding
                    max = Math.max(max, x);
                    cubes += x * x * x;
                }
                out[i][c] = (float) switch (pooling) {
                    case "mean" -> features[i][c];
                    case "max" -> max;
                    case "gem" -> Math.cbrt(cubes / cells);
                    default -> throw new IllegalArgumentException("pooling: mean, max or gem, got " + pooling);
                };
            }
        }
        return out;
    }

    /** In batches, so that memory stays one batch's activations at any input size. */
    static float[][] encode(ImageEncoder encoder, ImageLoader loader, List<BufferedImage> scenes) {
        List<float[]> out = new ArrayList<>();
        for (int from = 0; from < scenes.size(); from += 16) {
            List<BufferedImage> batch = scenes.subList(from, Math.min(scenes.size(), from + 16));
            out.addAll(encoder.features(batch.stream().map(loader::resize).toList()));
        }
        return out.toArray(float[][]::new);
    }

    static double accuracy(int[] predicted, List<Integer> actual) {
        int right = 0;
        for (int i = 0; i < predicted.length; i++) {
            right += predicted[i] == actual.get(i) ? 1 : 0;
        }
        return (double) right / predicted.length;
    }

    static BufferedImage scene(BufferedImage picture, Random random) {
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.setColor(Color.getHSBColor(random.nextFloat(), 0.12f + 0.18f * random.nextFloat(), 0.72f + 0.2f * random.nextFloat()));
        g.fillRect(0, 0, SIZE, SIZE);
        int side = (int) (SIZE * (0.2 + 0.2 * random.nextDouble()));
        int x = random.nextInt(SIZE - side);
        int y = random.nextInt(SIZE - side);
        if (random.nextBoolean()) {
            g.drawImage(picture, x + side, y, -side, side, null);
        } else {
            g.drawImage(picture, x, y, side, side, null);
        }
        g.dispose();
        return image;
    }
}
