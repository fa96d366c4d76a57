package org.infogap.synth;

import java.util.List;

/**
 * A generated text, sentence by sentence with the role each sentence plays, and how many objects the image it was
 * written for shows; the labels follow from it by {@link LabelRules}.
 *
 * @param objects    objects in the image
 * @param statements the sentences in order
 */
public record Composition(int objects, List<Statement> statements) {

    /** What a sentence does relative to the image. */
    public enum Role {
        /** States something true about one object of the image. */
        VISUAL,
        /** States something the image contradicts: wrong colour, wrong count, absent or denied object. */
        CONTRADICTION,
        /** About something else entirely (news, history): no visual concept of the image. */
        FILLER
    }

    /**
     * @param role   the sentence's role
     * @param object index of the scene object a VISUAL sentence describes, else -1
     * @param text   the sentence
     */
    public record Statement(Role role, int object, String text) {
    }

    public Composition {
        statements = List.copyOf(statements);
    }

    public List<String> sentences() {
        return statements.stream().map(Statement::text).toList();
    }

    public long count(Role role) {
        return statements.stream().filter(s -> s.role() == role).count();
    }

    /** Distinct objects stated truly at least once. */
    public long describedObjects() {
        return statements.stream().filter(s -> s.role() == Role.VISUAL).mapToInt(Statement::object).distinct().count();
    }
}
