package io.edgerule.daemon.ota;

import io.edgerule.ota.image.GatewayVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * This gateway's version, which an image's compatibility range is checked against: stamped into
 * {@code build.properties} by the build, so a development build run from its classes (tests) has it
 * as well as the packaged one.
 */
public final class GatewayBuild {
  private GatewayBuild() {}

  public static GatewayVersion version() {
    try (InputStream in = GatewayBuild.class.getResourceAsStream("build.properties")) {
      if (in == null) {
        throw new IllegalStateException("build.properties is missing from the gateway's classes");
      }
      Properties p = new Properties();
      p.load(in);
      return GatewayVersion.parse(p.getProperty("version", ""));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read build.properties", e);
    }
  }
}
