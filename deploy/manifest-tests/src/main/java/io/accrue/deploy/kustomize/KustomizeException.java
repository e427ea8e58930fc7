package io.accrue.deploy.kustomize;

/** A kustomization this subset cannot build, or one that kustomize itself would reject. */
public class KustomizeException extends RuntimeException {

    public KustomizeException(String message) {
        super(message);
    }

    public KustomizeException(String message, Throwable cause) {
        super(message, cause);
    }
}
