package org.infogap.data;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Decodes text files whose encoding is configured or, with {@link #AUTO}, detected: a UTF-8 byte
 * order mark or bytes that are valid UTF-8 mean UTF-8, anything else ISO-8859-1 (the encoding of
 * the original BBC News corpus files). A configured encoding is applied strictly: bytes that are
 * not valid in it are an error naming the file and offset, never replacement characters.
 */
public final class TextDecoding {

    /** Name that asks for detection instead of a fixed charset. */
    public static final String AUTO = "auto";

    private static final String BBC_HINT = "the BBC originals are ISO-8859-1: set the encoding, or 'auto' to detect it";

    private final Charset charset; // null = detect

    private TextDecoding(Charset charset) {
        this.charset = charset;
    }

    public static TextDecoding of(String name) {
        if (name == null || name.equalsIgnoreCase(AUTO)) {
            return new TextDecoding(null);
        }
        return new TextDecoding(Charset.forName(name));
    }

    public String name() {
        return charset == null ? AUTO : charset.name();
    }

    public String decode(byte[] bytes, Path file) {
        if (charset != null) {
            return strict(bytes, charset, file, BBC_HINT);
        }
        if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb && (bytes[2] & 0xff) == 0xbf) {
            return strict(java.util.Arrays.copyOfRange(bytes, 3, bytes.length), StandardCharsets.UTF_8, file, BBC_HINT);
        }
        try {
            return newDecoder(StandardCharsets.UTF_8).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * Decodes {@code bytes} in {@code cs}, refusing invalid bytes with an error that names the file
     * and the line of the first bad byte, followed by {@code hint} (what the user can do).
     */
    public static String strict(byte[] bytes, Charset cs, Path file, String hint) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        try {
            return newDecoder(cs).decode(buffer).toString();
        } catch (CharacterCodingException e) {
            int line = 1;
            for (int i = 0; i < buffer.position() && i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            String where = e instanceof MalformedInputException ? " (byte " + buffer.position() + ")" : "";
            throw new BadInputException(file, "line " + line, null, "not valid " + cs.name() + where + "; " + hint);
        }
    }

    private static CharsetDecoder newDecoder(Charset cs) {
        return cs.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }
}
