package org.infogap.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.infogap.io.Json;

/** The non-blank lines of a UTF-8 JSONL file, read lazily, each with its 1-based line number, and one line as an object. */
final class JsonlLines {

    /** What one line becomes: none, one or several pairs. */
    @FunctionalInterface
    interface LineReader<T> {
        List<T> read(int lineNo, String line);
    }

    private JsonlLines() {
    }

    /** Streams what {@code reader} makes of each non-blank line; closing the stream closes the file. */
    static <T> Stream<T> stream(Path jsonl, LineReader<T> reader) {
        BufferedReader in;
        try {
            in = Files.newBufferedReader(jsonl, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BadInputException(jsonl, null, null, "cannot open: " + e);
        }
        int[] lineNo = {0};
        return in.lines()
                .map(line -> new Object[] {++lineNo[0], line})
                .filter(l -> !((String) l[1]).isBlank())
                .flatMap(l -> reader.read((Integer) l[0], (String) l[1]).stream())
                .onClose(() -> {
                    try {
                        in.close();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    /** One line as a JSON object, or a {@link BadInputException} naming the file and line. */
    static JsonNode object(Path jsonl, String location, String line) {
        JsonNode node;
        try {
            node = Json.parseWhole(line);
        } catch (JsonProcessingException e) {
            throw new BadInputException(jsonl, location, null, "broken JSON: " + e.getOriginalMessage());
        }
        if (!node.isObject()) {
            throw new BadInputException(jsonl, location, null, "expected a JSON object per line");
        }
        return node;
    }
}
