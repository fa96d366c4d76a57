package org.infogap.annotate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.ToIntFunction;
import org.dkpro.statistics.agreement.coding.CodingAnnotationStudy;
import org.dkpro.statistics.agreement.coding.CohenKappaAgreement;
import org.dkpro.statistics.agreement.coding.KrippendorffAlphaAgreement;
import org.dkpro.statistics.agreement.distance.OrdinalDistanceFunction;

/**
 * Inter-annotator agreement on the stored labels, per measure, over the pairs that more than one
 * annotator labelled: Cohen's kappa where exactly two annotators took part, and Krippendorff's alpha
 * with the ordinal distance (the levels are ordered) for any number, missing labels allowed.
 * Computed by DKPro Statistics. An annotator's latest valid label for a pair counts.
 */
public final class Agreement {

    /** Agreement on one measure. {@code cohenKappa} is NaN unless exactly two annotators took part. */
    public record Result(String measure, List<String> annotators, int pairs, double cohenKappa,
                         double krippendorffAlphaOrdinal, double percentAgreement) {
    }

    private Agreement() {
    }

    /** CMI and SC agreement over {@code labels}. */
    public static List<Result> of(List<AnnotationStore.Label> labels) {
        return List.of(measure("CMI", labels, l -> l.cmi().index()), measure("SC", labels, l -> l.sc().index()));
    }

    static Result measure(String name, List<AnnotationStore.Label> labels, ToIntFunction<AnnotationStore.Label> level) {
        // pair -> annotator -> level; later labels overwrite earlier ones (labels come in import order)
        Map<String, Map<String, Integer>> table = new LinkedHashMap<>();
        TreeSet<String> annotators = new TreeSet<>();
        for (AnnotationStore.Label l : labels) {
            if (!l.valid()) {
                continue;
            }
            table.computeIfAbsent(l.pair().key(), k -> new LinkedHashMap<>()).put(l.annotator(), level.applyAsInt(l));
            annotators.add(l.annotator());
        }
        List<Integer[]> items = new ArrayList<>();
        List<String> raters = new ArrayList<>(annotators);
        for (Map<String, Integer> byAnnotator : table.values()) {
            if (byAnnotator.size() < 2) {
                continue;
            }
            Integer[] row = new Integer[raters.size()];
            for (int r = 0; r < raters.size(); r++) {
                row[r] = byAnnotator.get(raters.get(r));
            }
            items.add(row);
        }
        if (items.isEmpty()) {
            return new Result(name, raters, 0, Double.NaN, Double.NaN, Double.NaN);
        }
        return compute(name, raters, items);
    }

    /** Agreement of {@code items} (one row per pair, one column per rater, null where missing). */
    static Result compute(String name, List<String> raters, List<Integer[]> items) {
        List<String> used = new ArrayList<>();
        List<Integer> columns = new ArrayList<>();
        for (int r = 0; r < raters.size(); r++) {
            final int col = r;
            if (items.stream().anyMatch(row -> row[col] != null)) {
                used.add(raters.get(r));
                columns.add(r);
            }
        }
        CodingAnnotationStudy study = new CodingAnnotationStudy(columns.size());
        int agreeing = 0;
        int complete = 0;
        for (Integer[] row : items) {
            Object[] values = new Object[columns.size()];
            for (int i = 0; i < columns.size(); i++) {
                values[i] = row[columns.get(i)];
            }
            study.addItemAsArray(values);
            List<Integer> present = java.util.Arrays.stream(values).filter(java.util.Objects::nonNull)
                    .map(v -> (Integer) v).toList();
            if (present.size() >= 2) {
                complete++;
                if (present.stream().distinct().count() == 1) {
                    agreeing++;
                }
            }
        }
        double alpha = new KrippendorffAlphaAgreement(study, new OrdinalDistanceFunction()).calculateAgreement();
        double kappa = Double.NaN;
        if (columns.size() == 2) {
            CodingAnnotationStudy both = new CodingAnnotationStudy(2);
            for (Integer[] row : items) {
                Integer a = row[columns.get(0)];
                Integer b = row[columns.get(1)];
                if (a != null && b != null) {
                    both.addItem(a, b);
                }
            }
            kappa = new CohenKappaAgreement(both).calculateAgreement();
        }
        return new Result(name, used, items.size(), kappa, alpha, complete == 0 ? Double.NaN : (double) agreeing / complete);
    }
}
