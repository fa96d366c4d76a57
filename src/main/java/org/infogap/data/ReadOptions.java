package org.infogap.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How strictly readers check their input.
 *
 * @param policy        fail on the first bad entry, or skip and count
 * @param imageVerifier when not null, every image is decoded with it, so truncated or corrupt files
 *                      are reported by the reader; when null only their existence is checked (cheap)
 */
public record ReadOptions(BadInputPolicy policy, ImageLoader imageVerifier) {

    public static ReadOptions strict() {
        return new ReadOptions(BadInputPolicy.failFast(), null);
    }

    /**
     * Checks a pair's image.
     *
     * @param image    the image file
     * @param file     the corpus file that refers to it
     * @param location where in that file
     * @param field    the field that names the image
     */
    void checkImage(Path image, Path file, String location, String field) {
        if (!Files.isRegularFile(image)) {
            throw new BadInputException(file, location, field, "image file " + image + " does not exist");
        }
        if (imageVerifier != null) {
            try {
                imageVerifier.decode(image);
            } catch (BadInputException e) {
                throw new BadInputException(file, location, field, e.getMessage(), e);
            }
        }
    }
}
