/**
 * The generated ground-truth corpus, the project's embedded default: Java2D scenes of coloured
 * shapes, texts mixing true, contradicting and unrelated sentences, CMI/SC labels that follow from
 * the construction ({@link org.infogap.synth.LabelRules}), written in the three real corpus formats
 * plus annotation-tool JSONL. Depends on {@code data} (formats, manifest) and {@code io}.
 */
package org.infogap.synth;
