package dev.spectra.service.jobs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A canonical text form of a JSON value (object keys sorted, no whitespace, numbers in their
 * shortest form) and its SHA-256: two submissions that differ only in key order or formatting
 * hash the same, which is what an Idempotency-Key check needs.
 */
public final class CanonicalJson {

    private CanonicalJson() {
    }

    public static String sha256(JsonNode node) {
        StringBuilder sb = new StringBuilder();
        write(node, sb);
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void write(JsonNode n, StringBuilder sb) {
        if (n.isObject()) {
            List<String> keys = new ArrayList<>(n.propertyNames());
            keys.sort(null);
            sb.append('{');
            for (int i = 0; i < keys.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append(quote(keys.get(i))).append(':');
                write(n.get(keys.get(i)), sb);
            }
            sb.append('}');
        } else if (n.isArray()) {
            sb.append('[');
            for (int i = 0; i < n.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                write(n.get(i), sb);
            }
            sb.append(']');
        } else if (n.isNumber() && !n.isIntegralNumber() && !Double.isFinite(n.doubleValue())) {
            // 1e400 parses as Infinity, which has no decimal form; the spec validation rejects it later
            sb.append(n.doubleValue());
        } else if (n.isNumber()) {
            sb.append(n.isIntegralNumber() ? n.bigIntegerValue().toString() : n.decimalValue().stripTrailingZeros().toPlainString());
        } else if (n.isString()) {
            sb.append(quote(n.asString()));
        } else {
            sb.append(n.toString());
        }
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
