/**
 * Labelling a team's own pairs: the labelling page (served by {@code infogap annotate} and under the API's
 * {@code /annotate}), its annotators and their tokens, and the order it offers pairs in: most informative first
 * when a trained model is at hand, mixed with random pairs, the test split never reordered.
 */
package org.infogap.labelling;
