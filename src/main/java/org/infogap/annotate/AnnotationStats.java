package org.infogap.annotate;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.infogap.data.CmiLevel;
import org.infogap.data.ScLevel;

/**
 * Label distributions as the paper's Tables 1 (CMI) and 2 (SC) show them, per source and overall,
 * over the one-label-per-pair view, and the image-type mix per source; as Markdown.
 */
public final class AnnotationStats {

    private AnnotationStats() {
    }

    public static String markdown(List<AnnotationStore.Label> labels, List<LabelledPairs.Labelled> pairs) {
        StringBuilder md = new StringBuilder();
        long invalid = labels.stream().filter(l -> !l.valid()).count();
        long annotators = labels.stream().map(AnnotationStore.Label::annotator).distinct().count();
        md.append(String.format(Locale.ROOT, "%d labels (%d marked invalid) by %d annotator(s) on %d labelled pairs%n%n",
                labels.size(), invalid, annotators, pairs.size()));
        Map<String, List<LabelledPairs.Labelled>> bySource = new TreeMap<>(pairs.stream().collect(
                Collectors.groupingBy(p -> p.pair().source().name().toLowerCase(Locale.ROOT))));
        md.append("CMI labels (paper Table 1)\n\n");
        table(md, bySource, pairs, CmiLevel.values(), l -> l.cmi(), l -> fmt(l.value()));
        md.append("\nSC labels (paper Table 2)\n\n");
        table(md, bySource, pairs, ScLevel.values(), l -> l.sc(), l -> fmt(l.value()));
        md.append("\nImage types\n\n| source | type | pairs |\n|---|---|---:|\n");
        bySource.forEach((source, ps) -> new TreeMap<>(ps.stream().collect(Collectors.groupingBy(
                p -> p.imageType().isEmpty() ? "(none)" : p.imageType(), Collectors.counting())))
                .forEach((type, n) -> md.append("| ").append(source).append(" | ").append(type).append(" | ")
                        .append(n).append(" |\n")));
        return md.toString();
    }

    private static <L extends Enum<L>> void table(StringBuilder md, Map<String, List<LabelledPairs.Labelled>> bySource,
                                                  List<LabelledPairs.Labelled> all, L[] levels,
                                                  Function<LabelledPairs.Labelled, L> level, Function<L, String> name) {
        md.append("| source |");
        for (L l : levels) {
            md.append(' ').append(name.apply(l)).append(" |");
        }
        md.append(" total |\n|---|");
        md.append("---:|".repeat(levels.length + 1)).append('\n');
        bySource.forEach((source, ps) -> row(md, source, ps, levels, level));
        row(md, "all", all, levels, level);
    }

    private static <L extends Enum<L>> void row(StringBuilder md, String label, List<LabelledPairs.Labelled> ps,
                                                L[] levels, Function<LabelledPairs.Labelled, L> level) {
        md.append("| ").append(label).append(" |");
        for (L l : levels) {
            md.append(' ').append(ps.stream().filter(p -> level.apply(p) == l).count()).append(" |");
        }
        md.append(' ').append(ps.size()).append(" |\n");
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
