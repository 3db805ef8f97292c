package io.edgerule.daemon.cli;

import io.edgerule.ota.image.ImageRejected;
import io.edgerule.ota.trust.TrustException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Runs a fleet command's body and turns what it throws into the program's exit codes: bad input (an
 * option, a file) is {@link ExitCodes#CONFIG} with the option or file named; a refusal (the rollout
 * is not in a state that allows it, a broken audit chain, an image or switch that would be refused)
 * or a broker that cannot be reached is {@link ExitCodes#FAILURE}.
 */
final class FleetRun {
  interface Body {
    int run(PrintWriter out) throws Exception;
  }

  private FleetRun() {}

  static int run(CommandSpec spec, Body body) {
    quietLogs();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String name = spec.qualifiedName(" ");
    try {
      return body.run(out);
    } catch (IllegalArgumentException e) {
      err.println(name + ": " + e.getMessage());
      return ExitCodes.CONFIG;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println(name + ": interrupted");
      return ExitCodes.FAILURE;
    } catch (IllegalStateException
        | IOException
        | ImageRejected
        | TrustException
        | java.security.GeneralSecurityException e) {
      err.println(name + ": " + e.getMessage());
      return ExitCodes.FAILURE;
    } catch (Exception e) {
      err.println(name + ": " + e);
      return ExitCodes.FAILURE;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /**
   * A fleet command prints what it did; the library's INFO lines (connected, revision published)
   * would only repeat it. Warnings stay. EDGERULE_LOG_LEVEL, when set, decides as for the daemon.
   */
  private static void quietLogs() {
    if (System.getenv("EDGERULE_LOG_LEVEL") == null
        && org.slf4j.LoggerFactory.getLogger("io.edgerule")
            instanceof ch.qos.logback.classic.Logger l) {
      l.setLevel(ch.qos.logback.classic.Level.WARN);
    }
  }

  /** A file's bytes; a missing or unreadable file is bad input naming the option. */
  static byte[] read(String option, Path file, long max) {
    try {
      if (Files.size(file) > max) {
        throw new IllegalArgumentException(
            option + ": " + file + " is larger than " + max + " bytes");
      }
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(option + ": " + file + ": no such file");
    } catch (IOException e) {
      throw new IllegalArgumentException(option + ": cannot read " + file + ": " + e.getMessage());
    }
  }
}
