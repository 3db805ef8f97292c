package io.edgerule.sim;

import picocli.CommandLine.Command;

/**
 * {@code edgerule sim ...}: runs one simulated device or plant in the foreground until Ctrl-C. Each
 * protocol's simulator adds its own subcommand here.
 */
@Command(
    name = "sim",
    description = "Run a simulated field device or plant (for tests, demos and commissioning).",
    mixinStandardHelpOptions = true,
    subcommands = {
      io.edgerule.sim.zigbee.ZigbeeSimCommand.class,
      io.edgerule.sim.modbus.SimModbusCommand.class,
      io.edgerule.sim.opcua.OpcUaSimCommand.class
    })
public final class SimCommand {}
