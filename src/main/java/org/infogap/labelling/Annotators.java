package org.infogap.labelling;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who may label, and the token each signs in with. A label is stored under the name its token belongs to, so two
 * people never share one. Tokens are compared in constant time.
 */
public final class Annotators {

    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** Shorter tokens are refused: a token is the only thing between a stranger and the store. */
    static final int MIN_TOKEN_LENGTH = 12;

    private final Map<String, String> nameByToken;

    private Annotators(Map<String, String> nameByToken) {
        this.nameByToken = Map.copyOf(nameByToken);
    }

    /** From {@code NAME=TOKEN} settings (the {@code --annotator} options); errors name the setting at fault. */
    public static Annotators parse(List<String> settings) {
        Map<String, String> byToken = new LinkedHashMap<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (String setting : settings) {
            int eq = setting.indexOf('=');
            String name = eq < 0 ? setting : setting.substring(0, eq);
            if (eq < 0 || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("annotator '" + name + "': expected NAME=TOKEN, NAME of letters, "
                        + "digits, '.', '_' or '-' (at most 64)");
            }
            String token = setting.substring(eq + 1);
            if (token.length() < MIN_TOKEN_LENGTH) {
                throw new IllegalArgumentException("annotator " + name + ": the token must have at least "
                        + MIN_TOKEN_LENGTH + " characters");
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException("annotator " + name + " is given twice");
            }
            if (byToken.put(token, name) != null) {
                throw new IllegalArgumentException("annotator " + name + " has another annotator's token");
            }
        }
        if (byToken.isEmpty()) {
            throw new IllegalArgumentException("no annotator: give at least one NAME=TOKEN");
        }
        return new Annotators(byToken);
    }

    /** A fresh random token (128 bits, hex). */
    public static String newToken() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** The annotator whose token this is. */
    public Optional<String> signIn(String token) {
        if (token == null) {
            return Optional.empty();
        }
        byte[] given = token.getBytes(StandardCharsets.UTF_8);
        String found = null;
        for (Map.Entry<String, String> e : nameByToken.entrySet()) { // every token compared, found or not
            if (MessageDigest.isEqual(given, e.getKey().getBytes(StandardCharsets.UTF_8))) {
                found = e.getValue();
            }
        }
        return Optional.ofNullable(found);
    }

    public List<String> names() {
        return nameByToken.values().stream().sorted().toList();
    }
}
