package io.edgerule.sim.zigbee;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code edgerule sim zigbee}: an XBee coordinator with virtual devices on TCP (default), an
 * existing serial port, or a fresh socat pty pair; runs until Ctrl-C.
 */
@Command(
    name = "zigbee",
    description = {
      "Simulate an XBee Zigbee coordinator (API mode 2) with virtual devices.",
      "Devices join when the gateway permits joining (write its <name>/permit_join point)."
    },
    mixinStandardHelpOptions = true)
public final class ZigbeeSimCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--tcp",
      paramLabel = "PORT",
      description = "Listen on this TCP port, like ser2net (default ${DEFAULT-VALUE}).",
      defaultValue = "4001")
  int tcpPort;

  @Option(
      names = "--bind",
      paramLabel = "ADDRESS",
      description = "Address to listen on (default ${DEFAULT-VALUE}).",
      defaultValue = "127.0.0.1")
  String bind;

  @Option(
      names = "--serial",
      paramLabel = "PATH",
      description = "Open this serial port instead of listening on TCP.")
  String serial;

  @Option(
      names = "--pty",
      paramLabel = "PATH",
      description =
          "Create a virtual serial cable with socat; the gateway opens PATH, the simulator PATH-dongle.")
  Path pty;

  @Option(
      names = "--baud",
      description = "Serial speed (default ${DEFAULT-VALUE}).",
      defaultValue = "9600")
  int baud;

  @Option(
      names = "--devices",
      split = ",",
      paramLabel = "KIND",
      description = "Virtual devices: sensor, motion, plug, light (default: one of each).",
      defaultValue = "sensor,motion,plug,light")
  List<String> devices;

  @Option(
      names = "--motion-period",
      paramLabel = "SECONDS",
      description = "Motion sensors see motion for a third of every period (0: never by itself).",
      defaultValue = "30")
  int motionPeriod;

  @Option(names = "--channel", description = "Radio channel 11..26.", defaultValue = "15")
  int channel;

  @Override
  public Integer call() throws Exception {
    Running running = start(spec.commandLine().getOut());
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  running.close();
                  stop.countDown();
                },
                "zigbee-sim-shutdown"));
    stop.await();
    return 0;
  }

  /** A started simulator and, with {@code --pty}, its socat cable. */
  record Running(ZigbeeSimulator simulator, SocatPty cable) implements AutoCloseable {
    @Override
    public void close() {
      simulator.close();
      if (cable != null) {
        cable.close();
      }
    }
  }

  /** Starts the simulator the options describe and prints how to point a gateway at it. */
  Running start(PrintWriter out) throws Exception {
    List<VirtualDevice> virtualDevices = new ArrayList<>();
    int index = 1;
    for (String kind : devices) {
      VirtualDevice d =
          VirtualDevice.of(
              VirtualDevice.Kind.byShortName(kind.trim()), 0x00124B0000000000L + index++);
      if (d.kind() == VirtualDevice.Kind.MOTION_SENSOR && motionPeriod > 0) {
        d.autoMotion(Duration.ofSeconds(motionPeriod));
      }
      virtualDevices.add(d);
    }
    ZigbeeSimulator.Builder builder =
        ZigbeeSimulator.builder().channel(channel).devices(virtualDevices);
    SocatPty cable = null;
    ZigbeeSimulator sim;
    String gatewayPort;
    if (pty != null) {
      cable = SocatPty.create(Path.of(pty + "-dongle"), pty);
      try {
        sim = builder.startSerial(cable.dongleEnd().toString(), baud);
      } catch (Exception e) {
        cable.close();
        throw e;
      }
      gatewayPort = cable.hostEnd().toString();
    } else if (serial != null) {
      sim = builder.startSerial(serial, baud);
      gatewayPort = "(the other end of " + serial + ")";
    } else {
      sim = builder.bindAddress(InetAddress.getByName(bind)).startTcp(tcpPort);
      gatewayPort = "tcp://" + bind + ":" + sim.tcpPort();
    }
    out.printf("XBee coordinator simulator on %s%n", sim.describe());
    out.printf("gateway config: port: %s, dongle: xbee%n", gatewayPort);
    for (VirtualDevice d : virtualDevices) {
      out.printf("  device %s (%s) waits to join%n", d.ieeeHex(), d.kind().shortName());
    }
    out.flush();
    return new Running(sim, cable);
  }
}
