/**
 * Text pipeline of the paper (section 5.1): sentence splitting, tokenisation, British-to-American
 * spelling, truncation, the vocabulary and Word2Vec word vectors. Depends only on {@code io}.
 */
package org.infogap.text;
