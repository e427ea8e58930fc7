package io.accrue.deploy.kustomize;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Navigation and copying of parsed YAML trees (maps, lists, scalars), as SnakeYAML produces them. */
public final class Tree {

    private Tree() {
    }

    /** The value at a path of map keys, or null when any step is missing or not a map. */
    public static Object get(Object root, String... path) {
        Object current = root;
        for (String key : path) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(key);
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(Object root, String... path) {
        Object value = get(root, path);
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    public static List<Object> list(Object root, String... path) {
        Object value = get(root, path);
        return value instanceof List<?> l ? (List<Object>) l : List.of();
    }

    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> maps(Object root, String... path) {
        List<Map<String, Object>> result = new ArrayList<>();
        for (Object item : list(root, path)) {
            if (item instanceof Map<?, ?> m) {
                result.add((Map<String, Object>) m);
            }
        }
        return result;
    }

    /** A scalar rendered as text (numbers and booleans included), or null. */
    public static String str(Object root, String... path) {
        Object value = get(root, path);
        return value == null || value instanceof Map || value instanceof List ? null : String.valueOf(value);
    }

    /** A deep, mutable copy, so that transforming one resource never changes another sharing a node. */
    @SuppressWarnings("unchecked")
    public static <T> T copy(T node) {
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> result = new LinkedHashMap<>();
            map.forEach((k, v) -> result.put(String.valueOf(k), copy(v)));
            return (T) result;
        }
        if (node instanceof List<?> list) {
            List<Object> result = new ArrayList<>();
            list.forEach(v -> result.add(copy(v)));
            return (T) result;
        }
        return node;
    }

    /** The map at a path, created (with its parents) when missing. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> ensureMap(Map<String, Object> root, String... path) {
        Map<String, Object> current = root;
        for (String key : path) {
            Object next = current.get(key);
            if (!(next instanceof Map)) {
                next = new LinkedHashMap<String, Object>();
                current.put(key, next);
            }
            current = (Map<String, Object>) next;
        }
        return current;
    }
}
