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
import org.infogap.eval.SvmBaseline;
import org.infogap.model.ImageEncoder;
import org.infogap.synth.PictureCatalogue;

/**
 * Which InceptionV3 block tells what a thing is, across artists? Each kind of the real-image corpus's catalogue is
 * drawn alone, at a random place and size on a pastel background, several times by each artist; a linear SVM on the
 * pooled features of one block learns the kind from the first artist's pictures and names it on the second's (and,
 * as a ceiling, on held-out drawings by the first). Chance is one over the kinds.
 *
 * <pre>
 * java -Xmx6g -cp "target/infogap.jar:target/lib/*" tools/ObjectIdentityProbe.java \
 *     datasets/pictures/google,datasets/pictures/twitter models/image-encoder/nsfwjs-4.4.0 mixed5,mixed7,mixed10
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
        for (String layer : layers) {
            ImageEncoder encoder = ImageEncoder.create(SIZE, weights, 42, null, layer);
            float[][] first = encoder.features(firstArtist).toArray(float[][]::new);
            float[][] second = encoder.features(secondArtist).toArray(float[][]::new);
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
            System.out.printf(Locale.ROOT, "%-8s %5d features: same drawings elsewhere %.3f, the other artist's %.3f (C %g)%n",
                    layer, first[0].length, same, other, svm.c());
        }
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
