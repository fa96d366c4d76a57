package org.infogap;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The README stays short, and what it and docs/ link to or name exists in this checkout. */
class DocumentationTest {

    static final int README_LIMIT = 15_000;
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    /** Files of the repository named in backticks: `docs/model.md`, `tools/InceptionGridDump.java`. */
    private static final Pattern NAMED = Pattern.compile("`((?:docs|tools|src|\\.ci)/[^`\\s*]+)`");

    @Test
    void theReadmeStaysUnderItsLimit() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        assertTrue(readme.length() <= README_LIMIT, "README.md has " + readme.length() + " characters, the limit is "
                + README_LIMIT + ": move depth to docs/");
    }

    @Test
    void everyLinkAndNamedFileOfTheReadmeAndDocsExists() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(Path.of("README.md"), Path.of("tools", "README.md")));
        try (Stream<Path> docs = Files.walk(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).forEach(pages::add);
        }
        List<String> missing = new ArrayList<>();
        for (Path page : pages) {
            String text = Files.readString(page);
            Matcher link = LINK.matcher(text);
            while (link.find()) {
                String target = link.group(1).replaceAll("#.*", "");
                if (target.isEmpty() || target.matches("[a-z]+:.*")) {
                    continue; // an anchor on the same page, or a URL
                }
                if (!Files.exists(page.getParent() == null ? Path.of(target) : page.getParent().resolve(target))) {
                    missing.add(page + " links to " + link.group(1));
                }
            }
            if (page.equals(Path.of("README.md"))) {
                Matcher named = NAMED.matcher(text);
                while (named.find()) {
                    if (!Files.exists(Path.of(named.group(1)))) {
                        missing.add(page + " names " + named.group(1));
                    }
                }
            }
        }
        assertTrue(missing.isEmpty(), String.join("\n", missing));
    }
}
