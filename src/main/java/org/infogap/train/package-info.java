/**
 * Training: pairs and labelled pairs into {@code model.Example}s (text through the pipeline and the
 * vocabulary, images through the cached image encoder), the epoch loop with progress, validation,
 * atomic checkpoints, best-checkpoint keeping and resume. Depends on {@code model}, {@code data},
 * {@code text}, {@code annotate} (labelled pairs) and {@code io}.
 */
package org.infogap.train;
