package org.infogap.data;

import java.nio.file.Path;

/**
 * Input that cannot be read as its format says. The message always names the file, and where
 * known the line or entry and the field, so the fix can be made without a debugger.
 */
public class BadInputException extends RuntimeException {

    private final transient Path file;
    private final String location;
    private final String field;
    private final String problem;

    /**
     * @param file     the file at fault
     * @param location "line 12", "entry 'x'", ... or null
     * @param field    the offending field, or null
     * @param problem  what is wrong
     */
    public BadInputException(Path file, String location, String field, String problem) {
        this(file, location, field, problem, null);
    }

    public BadInputException(Path file, String location, String field, String problem, Throwable cause) {
        super(format(file, location, field, problem), cause);
        this.file = file;
        this.location = location;
        this.field = field;
        this.problem = problem;
    }

    /** What is wrong, without the file and location. */
    public String problem() {
        return problem;
    }

    private static String format(Path file, String location, String field, String problem) {
        StringBuilder sb = new StringBuilder().append(file);
        if (location != null) {
            sb.append(", ").append(location);
        }
        if (field != null) {
            sb.append(", field '").append(field).append('\'');
        }
        return sb.append(": ").append(problem).toString();
    }

    public Path file() {
        return file;
    }

    public String location() {
        return location;
    }

    public String field() {
        return field;
    }
}
