package io.edgerule.daemon.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest (set by the build). */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = EdgeruleCommand.class.getPackage().getImplementationVersion();
    return new String[] {"edgerule " + (v == null ? "(development build)" : v)};
  }
}
