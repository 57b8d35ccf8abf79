package dev.spectra.optim.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Builds a config record from loosely typed values (parsed JSON, CLI options) on top of defaults.
 *
 * <p>Each key must name a record component; values are converted to the component's type
 * (numbers, booleans, enums by case-insensitive name with '-' or '_'). Every unknown key and every
 * unconvertible value is reported together with the record's own validation, in one
 * {@link InvalidConfigException}. Only the given record's components are ever instantiated, so
 * no client input can pick a class to build.
 */
public final class ConfigBinder {

    /** Field names that are part of a spec's envelope, not of the record (e.g. {@code type}). */
    private final java.util.Set<String> ignoredKeys;

    public ConfigBinder(String... ignoredKeys) {
        this.ignoredKeys = java.util.Set.of(ignoredKeys);
    }

    public <R extends Record> R bind(String subject, R defaults, Map<String, ?> values) {
        @SuppressWarnings("unchecked")
        Class<R> type = (Class<R>) defaults.getClass();
        RecordComponent[] components = type.getRecordComponents();
        Map<String, RecordComponent> byName = new LinkedHashMap<>();
        for (RecordComponent c : components) {
            byName.put(c.getName(), c);
        }
        List<ConfigViolation> violations = new ArrayList<>();
        Object[] args = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            args[i] = read(components[i], defaults);
        }
        for (Map.Entry<String, ?> e : values.entrySet()) {
            String key = e.getKey();
            if (ignoredKeys.contains(key)) {
                continue;
            }
            RecordComponent c = byName.get(key);
            if (c == null) {
                violations.add(new ConfigViolation(key, e.getValue(),
                        "is not a field of " + subject + " (known: " + String.join(", ", new TreeSet<>(byName.keySet())) + ")"));
                continue;
            }
            try {
                args[indexOf(components, c)] = convert(e.getValue(), c.getType());
            } catch (IllegalArgumentException ex) {
                violations.add(new ConfigViolation(key, e.getValue(), ex.getMessage()));
            }
        }
        if (!violations.isEmpty()) {
            // Still run the record's own checks on the fields that did bind, so all problems show.
            try {
                construct(type, components, args);
            } catch (InvalidConfigException ex) {
                for (ConfigViolation v : ex.violations()) {
                    if (violations.stream().noneMatch(o -> o.field().equals(v.field()))) {
                        violations.add(v);
                    }
                }
            } catch (RuntimeException ignored) {
                // the binding errors already explain the failure
            }
            throw new InvalidConfigException(subject, violations);
        }
        return construct(type, components, args);
    }

    private static int indexOf(RecordComponent[] all, RecordComponent c) {
        for (int i = 0; i < all.length; i++) {
            if (all[i].equals(c)) {
                return i;
            }
        }
        throw new IllegalStateException(c.getName());
    }

    private static Object read(RecordComponent c, Record r) {
        try {
            return c.getAccessor().invoke(r);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + c.getName(), e);
        }
    }

    private static <R extends Record> R construct(Class<R> type, RecordComponent[] comps, Object[] args) {
        Class<?>[] types = new Class<?>[comps.length];
        for (int i = 0; i < comps.length; i++) {
            types[i] = comps[i].getType();
        }
        try {
            Constructor<R> ctor = type.getDeclaredConstructor(types);
            return ctor.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + type.getSimpleName(), e);
        }
    }

    /** Converts a loosely typed value to {@code target}; the message says what was expected. */
    static Object convert(Object v, Class<?> target) {
        if (v == null) {
            throw new IllegalArgumentException("must not be null");
        }
        if (target == double.class || target == Double.class) {
            return toNumber(v).doubleValue();
        }
        if (target == float.class || target == Float.class) {
            return toNumber(v).floatValue();
        }
        if (target == int.class || target == Integer.class) {
            long l = toIntegral(v);
            if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("must be an integer in 32-bit range");
            }
            return (int) l;
        }
        if (target == long.class || target == Long.class) {
            return toIntegral(v);
        }
        if (target == boolean.class || target == Boolean.class) {
            if (v instanceof Boolean b) {
                return b;
            }
            if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
                return Boolean.parseBoolean(s);
            }
            throw new IllegalArgumentException("must be true or false");
        }
        if (target == String.class) {
            if (v instanceof String s) {
                return s;
            }
            throw new IllegalArgumentException("must be a string");
        }
        if (target.isEnum()) {
            return toEnum(v, target);
        }
        if (target.isInstance(v)) {
            return v;
        }
        throw new IllegalArgumentException("cannot be set from " + v.getClass().getSimpleName());
    }

    private static Number toNumber(Object v) {
        if (v instanceof Number n) {
            return n;
        }
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("must be a number");
            }
        }
        throw new IllegalArgumentException("must be a number");
    }

    private static long toIntegral(Object v) {
        double d;
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof java.math.BigInteger b) {
            if (b.bitLength() > 63) {
                throw new IllegalArgumentException("must be an integer in 64-bit range");
            }
            return b.longValue();
        }
        d = toNumber(v).doubleValue();
        if (!Double.isFinite(d) || d != Math.rint(d) || Math.abs(d) > 9.0e15) {
            throw new IllegalArgumentException("must be an integer");
        }
        return (long) d;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object toEnum(Object v, Class<?> target) {
        if (target.isInstance(v)) {
            return v;
        }
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException("must be one of " + enumNames(target));
        }
        // Enums may offer their own parser with aliases (e.g. StateDtype.parse).
        try {
            var parse = target.getMethod("parse", String.class);
            if (java.lang.reflect.Modifier.isStatic(parse.getModifiers())) {
                return parse.invoke(null, s);
            }
        } catch (NoSuchMethodException ignored) {
            // fall through to name matching
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException("must be one of " + enumNames(target));
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
        String norm = s.trim().replace('-', '_').toUpperCase(Locale.ROOT);
        for (Object c : target.getEnumConstants()) {
            if (((Enum) c).name().equals(norm)) {
                return c;
            }
        }
        throw new IllegalArgumentException("must be one of " + enumNames(target));
    }

    private static String enumNames(Class<?> target) {
        List<String> names = new ArrayList<>();
        for (Object c : target.getEnumConstants()) {
            names.add(c.toString().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        return String.join(", ", names);
    }

    /** The record's components and values as a map, for printing and round-tripping a config. */
    public static Map<String, Object> toMap(Record r) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            Object v = read(c, r);
            out.put(c.getName(), v instanceof Enum<?> e ? e.toString().toLowerCase(Locale.ROOT).replace('_', '-') : v);
        }
        return out;
    }
}
