/**
 * Offline evaluation: classification metrics for the ordinal 5-level measures, the baselines (most
 * frequent label, linear SVM on article embeddings), and the accuracy report (HTML, Markdown, JSON,
 * PNG plots). Depends on {@code model}, {@code train}, {@code annotate}, {@code data} and {@code io}.
 */
package org.infogap.eval;
