package dev.ballast.core.decide.model;

import java.util.Objects;

/** A reference to a Kubernetes object ({@code describedObject} of an Object metric). */
public record ObjectReference(String apiVersion, String kind, String name) {
  public ObjectReference {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    apiVersion = apiVersion == null ? "" : apiVersion;
  }

  public static ObjectReference of(String kind, String name) {
    return new ObjectReference("", kind, name);
  }

  @Override
  public String toString() {
    return kind + "/" + name;
  }
}
