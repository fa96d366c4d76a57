package org.infogap.serve;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A 400 from the OpenAPI validator as a problem that names its field: {@code candidates[2].image.id: must match
 * ^[A-Za-z0-9._-]{1,128}$}. The router hands the validator's {@link ValidatorException} to the failure handler
 * wrapped in an {@link HttpException}; the field comes from the schema's output unit (its instance location, as a
 * JSON pointer) or, for a parameter, from the parameter the validator names in its message.
 *
 * @param type   problem type suffix
 * @param title  short title
 * @param detail {@code field: what was wrong}
 * @param field  the field at fault, in the dotted form of the API's other refusals ({@code body} for a body that
 *               is not JSON at all)
 */
record Refusal(String type, String title, String detail, String field) {

    private static final Pattern PARAMETER = Pattern.compile("(?:path|query|header|cookie) parameter (\\S+?)[ .]");
    private static final Pattern REQUIRED = Pattern.compile("required property ['\"]?([^'\"]+)['\"]?");

    /** Keywords that only report their children's failures, never the rule broken. */
    private static final Set<String> CONTAINERS = Set.of("properties", "items", "prefixItems", "$ref", "allOf", "anyOf",
            "additionalProperties", "unevaluatedProperties", "dependentSchemas", "then", "else");

    /**
     * The refusal an OpenAPI or JSON failure stands for; null when {@code failure} is neither.
     *
     * @param contract the raw contract, where a broken {@code pattern}'s expression is looked up (the validator's
     *                 own message leaves it out)
     * @param body     the failed operation's JSON body schema, where a location inside it is relative to; null if none
     */
    static Refusal of(Throwable failure, JsonObject contract, JsonObject body) {
        Throwable f = failure;
        while (f instanceof HttpException && f.getCause() != null && f.getCause() != f) {
            f = f.getCause();
        }
        if (f instanceof DecodeException) {
            return new Refusal("bad-json", "Body is not JSON", "body: " + firstLine(f.getMessage()), "body");
        }
        if (!(f instanceof ValidatorException v)) {
            return null;
        }
        String message = String.valueOf(v.getMessage());
        Matcher parameter = PARAMETER.matcher(message);
        String parameterName = parameter.find() ? parameter.group(1) : null;
        String field;
        String rule;
        if (v instanceof SchemaValidationException s && s.getOutputUnit() != null) {
            OutputUnit unit = mostSpecific(s.getOutputUnit());
            field = join(parameterName, pointer(unit.getInstanceLocation()));
            rule = unit.getError() == null ? message : unit.getError();
            Matcher required = REQUIRED.matcher(rule);
            if (required.find()) {
                field = join(field, required.group(1));
                rule = "required";
            } else if (keyword(unit).equals("pattern")) {
                String pattern = pattern(contract, body, unit, parameterName);
                rule = pattern == null ? rule : "must match " + pattern;
            }
        } else {
            field = parameterName;
            rule = message;
        }
        if (field == null && message.contains("request body")) {
            // "The format of the request body is not supported": the body did not parse as JSON
            return new Refusal("bad-json", "Body is not JSON", "body: not a JSON document (" + message + ")", "body");
        }
        return new Refusal("invalid-request", "Request does not match the contract",
                (field == null ? "" : field + ": ") + rule, field);
    }

    /** The failing unit that names the rule broken: the deepest instance location, a rule's keyword before a container's. */
    private static OutputUnit mostSpecific(OutputUnit root) {
        List<OutputUnit> all = new ArrayList<>();
        collect(root, all);
        OutputUnit best = null;
        for (OutputUnit u : all) {
            if (u.getError() == null) {
                continue;
            }
            if (best == null || depth(u) > depth(best)
                    || depth(u) == depth(best) && CONTAINERS.contains(keyword(best)) && !CONTAINERS.contains(keyword(u))) {
                best = u;
            }
        }
        return best == null ? root : best;
    }

    private static String keyword(OutputUnit u) {
        String k = u.getKeywordLocation() == null ? "" : u.getKeywordLocation();
        return k.substring(k.lastIndexOf('/') + 1);
    }

    /** The expression of the {@code pattern} a unit reports; for a parameter, its schema's in the contract. */
    private static String pattern(JsonObject contract, JsonObject body, OutputUnit unit, String parameterName) {
        if (contract == null) {
            return null;
        }
        String absolute = unit.getAbsoluteKeywordLocation();
        if (absolute != null && absolute.contains("#/")) {
            // past a $ref the location is the contract's; before one, the body schema's
            String pointer = absolute.substring(absolute.indexOf("#/") + 2);
            for (JsonObject root : body == null ? List.of(contract) : List.of(contract, body)) {
                if (resolve(root, pointer) instanceof String p) {
                    return p;
                }
            }
        }
        if (parameterName != null) {
            JsonObject paths = contract.getJsonObject("paths", new JsonObject());
            for (String path : paths.fieldNames()) {
                for (Object level : parametersOf(paths.getJsonObject(path))) {
                    if (level instanceof JsonObject p && parameterName.equals(p.getString("name"))
                            && p.getJsonObject("schema") != null && p.getJsonObject("schema").getString("pattern") != null) {
                        return p.getJsonObject("schema").getString("pattern");
                    }
                }
            }
        }
        return null;
    }

    private static List<Object> parametersOf(JsonObject pathItem) {
        List<Object> out = new ArrayList<>(pathItem.getJsonArray("parameters", new JsonArray()).getList());
        for (String key : pathItem.fieldNames()) {
            if (pathItem.getValue(key) instanceof JsonObject operation) {
                operation.getJsonArray("parameters", new JsonArray()).forEach(out::add);
            }
        }
        return out;
    }

    private static Object resolve(JsonObject root, String pointer) {
        Object at = root;
        for (String part : pointer.split("/")) {
            String name = part.replace("~1", "/").replace("~0", "~");
            if (at instanceof JsonObject o) {
                at = o.getValue(name);
            } else if (at instanceof JsonArray a && name.chars().allMatch(Character::isDigit) && !name.isEmpty()) {
                at = Integer.parseInt(name) < a.size() ? a.getValue(Integer.parseInt(name)) : null;
            } else {
                return null;
            }
        }
        return at;
    }

    private static void collect(OutputUnit unit, List<OutputUnit> all) {
        all.add(unit);
        if (unit.getErrors() != null) {
            unit.getErrors().forEach(e -> collect(e, all));
        }
    }

    private static int depth(OutputUnit u) {
        String l = u.getInstanceLocation();
        return l == null ? -1 : (int) l.chars().filter(c -> c == '/').count();
    }

    /** {@code /candidates/2/image/id} as {@code candidates[2].image.id}; null for the root. */
    static String pointer(String location) {
        if (location == null) {
            return null;
        }
        String l = location.startsWith("#") ? location.substring(1) : location;
        StringBuilder out = new StringBuilder();
        for (String part : l.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            String name = part.replace("~1", "/").replace("~0", "~");
            if (name.chars().allMatch(Character::isDigit) && out.length() > 0) {
                out.append('[').append(name).append(']');
            } else {
                out.append(out.length() > 0 ? "." : "").append(name);
            }
        }
        return out.length() == 0 ? null : out.toString();
    }

    private static String join(String a, String b) {
        if (a == null) {
            return b;
        }
        return b == null ? a : a + "." + b;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "malformed";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
