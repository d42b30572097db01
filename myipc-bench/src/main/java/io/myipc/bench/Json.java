package io.myipc.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A small JSON writer and parser (objects keep their key order; numbers parse to Long or Double). */
public final class Json {
    private Json() {
    }

    public static String write(Object v) {
        StringBuilder sb = new StringBuilder();
        write(sb, v, 0, true);
        return sb.append('\n').toString();
    }

    /** One record per line inside the top-level "results" list, pretty elsewhere (as the C front end writes it). */
    private static void write(StringBuilder sb, Object v, int indent, boolean pretty) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            quote(sb, s);
        } else if (v instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                throw new IllegalArgumentException("JSON has no " + d);
            }
            double r = Math.round(d * 10.0) / 10.0; // one decimal, as the C front end
            sb.append(r == Math.rint(r) && Math.abs(r) < 1e15 ? String.format("%.1f", r) : Double.toString(r));
        } else if (v instanceof Float f) {
            write(sb, f.doubleValue(), indent, pretty);
        } else if (v instanceof Number || v instanceof Boolean) {
            sb.append(v);
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                if (pretty) {
                    nl(sb, indent + 1);
                } else if (!first) {
                    sb.append(' ');
                }
                first = false;
                quote(sb, String.valueOf(e.getKey()));
                sb.append(": ");
                boolean childPretty = pretty && !(e.getKey().equals("transports") || isFlat(e.getValue()));
                if ("results".equals(e.getKey()) && e.getValue() instanceof List<?> l && pretty) {
                    sb.append('[');
                    for (int i = 0; i < l.size(); i++) {
                        nl(sb, indent + 2);
                        write(sb, l.get(i), indent + 2, false);
                        if (i + 1 < l.size()) {
                            sb.append(',');
                        }
                    }
                    nl(sb, indent + 1);
                    sb.append(']');
                } else {
                    write(sb, e.getValue(), indent + 1, childPretty || (pretty && e.getKey().equals("transports")));
                }
            }
            if (pretty && !m.isEmpty()) {
                nl(sb, indent);
            }
            sb.append('}');
        } else if (v instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                write(sb, l.get(i), indent, false);
            }
            sb.append(']');
        } else {
            quote(sb, v.toString());
        }
    }

    private static boolean isFlat(Object v) {
        return !(v instanceof Map<?, ?>);
    }

    private static void nl(StringBuilder sb, int indent) {
        sb.append('\n');
        sb.append("  ".repeat(indent));
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    public static Object parse(String text) {
        Parser p = new Parser(text);
        p.ws();
        Object v = p.value();
        p.ws();
        if (p.i != text.length()) {
            throw p.err("trailing characters");
        }
        return v;
    }

    private static final class Parser {
        final String s;
        int i;

        Parser(String s) {
            this.s = s;
        }

        IllegalArgumentException err(String what) {
            int line = 1;
            for (int k = 0; k < Math.min(i, s.length()); k++) {
                if (s.charAt(k) == '\n') {
                    line++;
                }
            }
            return new IllegalArgumentException("bad JSON at line " + line + " (offset " + i + "): " + what);
        }

        void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        Object value() {
            if (i >= s.length()) {
                throw err("unexpected end");
            }
            char c = s.charAt(i);
            switch (c) {
                case '{': {
                    i++;
                    Map<String, Object> m = new LinkedHashMap<>();
                    ws();
                    if (peek('}')) {
                        return m;
                    }
                    while (true) {
                        ws();
                        if (i >= s.length() || s.charAt(i) != '"') {
                            throw err("expected a key");
                        }
                        String k = str();
                        ws();
                        expect(':');
                        ws();
                        m.put(k, value());
                        ws();
                        if (peek('}')) {
                            return m;
                        }
                        expect(',');
                    }
                }
                case '[': {
                    i++;
                    List<Object> l = new ArrayList<>();
                    ws();
                    if (peek(']')) {
                        return l;
                    }
                    while (true) {
                        ws();
                        l.add(value());
                        ws();
                        if (peek(']')) {
                            return l;
                        }
                        expect(',');
                    }
                }
                case '"':
                    return str();
                case 't':
                    lit("true");
                    return Boolean.TRUE;
                case 'f':
                    lit("false");
                    return Boolean.FALSE;
                case 'n':
                    lit("null");
                    return null;
                default:
                    return num();
            }
        }

        boolean peek(char c) {
            if (i < s.length() && s.charAt(i) == c) {
                i++;
                return true;
            }
            return false;
        }

        void expect(char c) {
            if (!peek(c)) {
                throw err("expected '" + c + "'");
            }
        }

        void lit(String w) {
            if (!s.startsWith(w, i)) {
                throw err("expected " + w);
            }
            i += w.length();
        }

        Object num() {
            int st = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            String t = s.substring(st, i);
            if (t.isEmpty()) {
                throw err("unexpected character '" + s.charAt(st) + "'");
            }
            try {
                if (t.contains(".") || t.contains("e") || t.contains("E")) {
                    return Double.parseDouble(t);
                }
                return Long.parseLong(t);
            } catch (NumberFormatException e) {
                throw err("bad number " + t);
            }
        }

        String str() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (true) {
                if (i >= s.length()) {
                    throw err("unterminated string");
                }
                char c = s.charAt(i++);
                if (c == '"') {
                    return b.toString();
                }
                if (c == '\\') {
                    if (i >= s.length()) {
                        throw err("unterminated escape");
                    }
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n' -> b.append('\n');
                        case 't' -> b.append('\t');
                        case 'r' -> b.append('\r');
                        case 'b' -> b.append('\b');
                        case 'f' -> b.append('\f');
                        case 'u' -> {
                            if (i + 4 > s.length()) {
                                throw err("bad \\u escape");
                            }
                            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                        }
                        default -> b.append(e);
                    }
                } else {
                    b.append(c);
                }
            }
        }
    }
}
