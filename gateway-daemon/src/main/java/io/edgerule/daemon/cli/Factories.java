package io.edgerule.daemon.cli;

import io.edgerule.adapter.AdapterFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** The protocol adapters on the classpath. */
public final class Factories {
  private Factories() {}

  public static List<AdapterFactory<?>> installed() {
    List<AdapterFactory<?>> out = new ArrayList<>();
    for (AdapterFactory<?> f : ServiceLoader.load(AdapterFactory.class)) {
      out.add(f);
    }
    out.sort((a, b) -> a.protocol().compareTo(b.protocol()));
    return out;
  }
}
