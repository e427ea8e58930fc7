package io.accrue.deploy.manifests;

import java.util.List;
import java.util.Map;

import io.accrue.deploy.kustomize.Tree;

/**
 * Evaluates NetworkPolicies as a CNI enforcing them would, for the peers the checks ask about: a pod (its
 * namespace's labels and its own labels) or an address outside the cluster.
 */
record NetworkPolicies(List<Map<String, Object>> policies) {

    /** A pod in a namespace, or (pod labels null) an address outside the cluster. */
    record Peer(String namespace, Map<String, String> namespaceLabels, Map<String, Object> podLabels) {

        static Peer pod(String namespace, Map<String, Object> labels) {
            return new Peer(namespace, Map.of("kubernetes.io/metadata.name", namespace), labels);
        }

        static Peer external() {
            return new Peer(null, Map.of(), null);
        }

        boolean isPod() { return podLabels != null; }
    }

    /** Whether a connection from one peer to another on a TCP/UDP port gets through both ends' policies. */
    boolean allows(Peer from, Peer to, String protocol, int port) {
        boolean egressOk = !from.isPod() || allowedBy(from, to, "Egress", "egress", "to", protocol, port);
        boolean ingressOk = !to.isPod() || allowedBy(to, from, "Ingress", "ingress", "from", protocol, port);
        return egressOk && ingressOk;
    }

    private boolean allowedBy(Peer subject, Peer other, String type, String rulesField, String peersField,
            String protocol, int port) {
        boolean isolated = false;
        for (Map<String, Object> policy : policies) {
            if (!subject.namespace().equals(Tree.str(policy, "metadata", "namespace"))
                    || !matches(Tree.map(policy, "spec", "podSelector"), subject.podLabels())
                    || !policyTypes(policy).contains(type)) {
                continue;
            }
            isolated = true;
            for (Map<String, Object> rule : Tree.maps(policy, "spec", rulesField)) {
                if (portMatches(rule, protocol, port) && peerMatches(rule, peersField, subject.namespace(), other)) {
                    return true;
                }
            }
        }
        return !isolated;
    }

    private static List<Object> policyTypes(Map<String, Object> policy) {
        List<Object> types = Tree.list(policy, "spec", "policyTypes");
        if (!types.isEmpty()) {
            return types;
        }
        return Tree.get(policy, "spec", "egress") != null ? List.of("Ingress", "Egress") : List.of("Ingress");
    }

    private static boolean portMatches(Map<String, Object> rule, String protocol, int port) {
        List<Map<String, Object>> ports = Tree.maps(rule, "ports");
        if (ports.isEmpty()) {
            return true;
        }
        for (Map<String, Object> p : ports) {
            String ruleProtocol = Tree.str(p, "protocol") == null ? "TCP" : Tree.str(p, "protocol");
            // named ports are not used by the manifests' policies; a name never matches a number here
            if (ruleProtocol.equals(protocol) && String.valueOf(port).equals(Tree.str(p, "port"))) {
                return true;
            }
        }
        return false;
    }

    private static boolean peerMatches(Map<String, Object> rule, String peersField, String policyNamespace,
            Peer other) {
        if (!rule.containsKey(peersField)) {
            return true;
        }
        for (Map<String, Object> peer : Tree.maps(rule, peersField)) {
            if (peer.containsKey("ipBlock")) {
                if (!other.isPod()) {
                    return true; // every ipBlock in the manifests is an "anywhere" block
                }
                continue;
            }
            if (!other.isPod()) {
                continue;
            }
            boolean namespaceOk = peer.containsKey("namespaceSelector")
                    ? matches(Tree.map(peer, "namespaceSelector"), Map.copyOf(other.namespaceLabels()))
                    : policyNamespace.equals(other.namespace());
            boolean podOk = !peer.containsKey("podSelector")
                    || matches(Tree.map(peer, "podSelector"), other.podLabels());
            if (namespaceOk && podOk) {
                return true;
            }
        }
        return false;
    }

    /** Kubernetes label selector semantics: matchLabels and matchExpressions; an empty selector selects all. */
    static boolean matches(Map<String, Object> selector, Map<String, ?> labels) {
        for (Map.Entry<String, Object> e : Tree.map(selector, "matchLabels").entrySet()) {
            if (labels == null || !String.valueOf(e.getValue()).equals(String.valueOf(labels.get(e.getKey())))) {
                return false;
            }
        }
        for (Map<String, Object> expression : Tree.maps(selector, "matchExpressions")) {
            String key = Tree.str(expression, "key");
            boolean present = labels != null && labels.containsKey(key);
            List<String> values = Tree.list(expression, "values").stream().map(String::valueOf).toList();
            boolean ok = switch (String.valueOf(Tree.str(expression, "operator"))) {
                case "Exists" -> present;
                case "DoesNotExist" -> !present;
                case "In" -> present && values.contains(String.valueOf(labels.get(key)));
                case "NotIn" -> !present || !values.contains(String.valueOf(labels.get(key)));
                default -> throw new IllegalArgumentException("selector operator " + expression);
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
