package dev.crier.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar's manifest ("dev" when run from classes). */
public final class Version implements IVersionProvider {

  public static String current() {
    String version = Version.class.getPackage().getImplementationVersion();
    return version != null ? version : "dev";
  }

  @Override
  public String[] getVersion() {
    return new String[] {"crier " + current()};
  }
}
