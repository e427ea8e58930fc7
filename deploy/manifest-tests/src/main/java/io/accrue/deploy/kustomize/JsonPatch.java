package io.accrue.deploy.kustomize;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * RFC 6902 JSON Patch, the operations the manifests use: {@code add}, {@code replace}, {@code remove}. Any other
 * operation is refused rather than ignored, so the subset can never silently differ from kustomize.
 */
public final class JsonPatch {

    private JsonPatch() {
    }

    public static void apply(Map<String, Object> document, List<Map<String, Object>> operations) {
        for (Map<String, Object> operation : operations) {
            String op = Tree.str(operation, "op");
            String path = Tree.str(operation, "path");
            if (op == null || path == null || !path.startsWith("/")) {
                throw new KustomizeException("JSON patch operation needs op and an absolute path: " + operation);
            }
            List<String> tokens = tokens(path);
            Object parent = navigate(document, tokens.subList(0, tokens.size() - 1), path);
            String last = tokens.get(tokens.size() - 1);
            switch (op) {
                case "add" -> add(parent, last, Tree.copy(operation.get("value")), path);
                case "replace" -> {
                    remove(parent, last, path);
                    add(parent, last, Tree.copy(operation.get("value")), path);
                }
                case "remove" -> remove(parent, last, path);
                default -> throw new KustomizeException("JSON patch operation not supported by this subset: " + op);
            }
        }
    }

    static List<String> tokens(String path) {
        List<String> tokens = new ArrayList<>();
        for (String raw : path.substring(1).split("/", -1)) {
            tokens.add(raw.replace("~1", "/").replace("~0", "~"));
        }
        return tokens;
    }

    private static Object navigate(Object node, List<String> tokens, String path) {
        Object current = node;
        for (String token : tokens) {
            if (current instanceof Map<?, ?> map && map.containsKey(token)) {
                current = map.get(token);
            } else if (current instanceof List<?> list) {
                current = list.get(index(list, token, false, path));
            } else {
                throw new KustomizeException("JSON patch path does not exist: " + path);
            }
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    private static void add(Object parent, String token, Object value, String path) {
        if (parent instanceof Map<?, ?> map) {
            ((Map<String, Object>) map).put(token, value);
        } else if (parent instanceof List<?> list) {
            List<Object> items = (List<Object>) list;
            if ("-".equals(token)) {
                items.add(value);
            } else {
                items.add(index(items, token, true, path), value);
            }
        } else {
            throw new KustomizeException("JSON patch path does not exist: " + path);
        }
    }

    private static void remove(Object parent, String token, String path) {
        if (parent instanceof Map<?, ?> map && map.containsKey(token)) {
            map.remove(token);
        } else if (parent instanceof List<?> list) {
            list.remove(index(list, token, false, path));
        } else {
            throw new KustomizeException("JSON patch path does not exist: " + path);
        }
    }

    private static int index(List<?> list, String token, boolean mayAppend, String path) {
        try {
            int index = Integer.parseInt(token);
            int bound = mayAppend ? list.size() : list.size() - 1;
            if (index < 0 || index > bound) {
                throw new KustomizeException("JSON patch index out of range: " + path);
            }
            return index;
        } catch (NumberFormatException e) {
            throw new KustomizeException("JSON patch path does not exist: " + path);
        }
    }
}
