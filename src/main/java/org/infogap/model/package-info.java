/**
 * The networks: InceptionV3 (a DL4J zoo model with Keras's layer names, and the loader of Keras
 * weights, its features kept in {@code store}), the hierarchical-LSTM autoencoder and the CMI/SC classifier that
 * share one encoder definition (the paper's network), the components a {@code ModelConfig} adds to it
 * ({@code MatchHead}, {@code SentenceCounts}, {@code WordWhitening}, {@code ImageTuner}), and the choice
 * of ND4J's native build and its oneDNN switch ({@code NativeBuild}). Depends on {@code store}, {@code data} (pairs, labels), {@code text} (vocabulary,
 * word vectors) and {@code io}; never on {@code train}, {@code eval}, {@code serve} or the CLI.
 */
package org.infogap.model;
