package io.edgerule.sim.zigbee;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A simulated Zigbee Home Automation device with one application endpoint (1): it joins when the
 * coordinator permits joining, answers ZDO and ZCL, reports configured attributes to its bindings
 * and obeys On/Off and Level Control commands.
 *
 * <p>Thread-safe: the coordinator calls it from its own thread, tests call the setters and getters
 * from theirs.
 */
public final class VirtualDevice {

  /** The kinds of device the simulator offers. */
  public enum Kind {
    /** End device (battery): 0x0402 temperature, 0x0405 humidity. */
    TEMPERATURE_HUMIDITY_SENSOR("sensor", 0x0302, false),
    /** End device (battery): 0x0406 occupancy (PIR), 0x0400 illuminance. */
    MOTION_SENSOR("motion", 0x0107, false),
    /** Router (mains): 0x0006 on/off, 0x0B04 electrical measurement. */
    SMART_PLUG("plug", 0x0051, true),
    /** Router (mains): 0x0006 on/off, 0x0008 level control. */
    LIGHT("light", 0x0101, true);

    private final String shortName;
    private final int deviceId;
    private final boolean router;

    Kind(String shortName, int deviceId, boolean router) {
      this.shortName = shortName;
      this.deviceId = deviceId;
      this.router = router;
    }

    /**
     * The name used on the command line ({@code sensor}, {@code motion}, {@code plug}, {@code
     * light}).
     */
    public String shortName() {
      return shortName;
    }

    public static Kind byShortName(String name) {
      for (Kind k : values()) {
        if (k.shortName.equalsIgnoreCase(name) || k.name().equalsIgnoreCase(name)) {
          return k;
        }
      }
      throw new IllegalArgumentException(
          "unknown device kind '" + name + "': use sensor, motion, plug or light");
    }
  }

  /** Where the device is in its network life. */
  public enum State {
    /** Powered and searching: joins as soon as the coordinator permits joining. */
    WAITING_TO_JOIN,
    JOINED,
    /** Left the network (asked to, or on its own); silent until {@link #reset()}. */
    LEFT
  }

  static final int ENDPOINT = 1;
  static final int BASIC = 0x0000;
  static final int IDENTIFY = 0x0003;
  static final int ON_OFF = 0x0006;
  static final int LEVEL_CONTROL = 0x0008;
  static final int ILLUMINANCE = 0x0400;
  static final int TEMPERATURE = 0x0402;
  static final int HUMIDITY = 0x0405;
  static final int OCCUPANCY = 0x0406;
  static final int ELECTRICAL_MEASUREMENT = 0x0B04;

  static final int ATTR_MEASURED_VALUE = 0x0000;
  static final int ATTR_ON_OFF = 0x0000;
  static final int ATTR_CURRENT_LEVEL = 0x0000;
  static final int ATTR_ON_LEVEL = 0x0011;
  static final int ATTR_OCCUPANCY = 0x0000;
  static final int ATTR_PIR_OCCUPIED_TO_UNOCCUPIED_DELAY = 0x0010;
  static final int ATTR_RMS_VOLTAGE = 0x0505;
  static final int ATTR_RMS_CURRENT = 0x0508;
  static final int ATTR_ACTIVE_POWER = 0x050B;

  private final long ieee;
  private final Kind kind;
  private final Map<Integer, SimCluster> clusters = new LinkedHashMap<>();
  private final Map<Integer, Integer> bindings = new LinkedHashMap<>(); // cluster -> dest endpoint
  private final Random random;

  private State state = State.WAITING_TO_JOIN;
  private int networkAddress = -1;
  private int zclSequence;
  private int joinCount;

  private boolean temperatureDrifts = true;
  private boolean humidityDrifts = true;
  private boolean powerFluctuates = true;
  private double powerDrawWatts = 60.0;
  private boolean refusesReporting;
  private boolean reachable = true;
  private int readRequests;
  private int missedFrames;
  private long autoMotionPeriodMillis;
  private long lastDriftMillis;
  private long lastMotionToggleMillis;

  private VirtualDevice(long ieee, Kind kind) {
    this.ieee = ieee;
    this.kind = kind;
    this.random = new Random(ieee);
    SimCluster basic =
        new SimCluster(BASIC)
            .attribute(0x0000, ZclType.UINT8, 3L) // ZCL version
            .attribute(0x0004, ZclType.CHAR_STRING, "edgerule-sim")
            .attribute(0x0005, ZclType.CHAR_STRING, kind.shortName())
            .attribute(0x0007, ZclType.ENUM8, kind.router ? 1L : 3L); // power source
    clusters.put(BASIC, basic);
    clusters.put(IDENTIFY, new SimCluster(IDENTIFY).writable(0x0000, ZclType.UINT16, 0L));
    switch (kind) {
      case TEMPERATURE_HUMIDITY_SENSOR -> {
        clusters.put(
            TEMPERATURE,
            new SimCluster(TEMPERATURE)
                .attribute(ATTR_MEASURED_VALUE, ZclType.INT16, 2150L) // 21.50 °C
                .attribute(0x0001, ZclType.INT16, -4000L)
                .attribute(0x0002, ZclType.INT16, 8500L));
        clusters.put(
            HUMIDITY,
            new SimCluster(HUMIDITY)
                .attribute(ATTR_MEASURED_VALUE, ZclType.UINT16, 4500L) // 45.00 %
                .attribute(0x0001, ZclType.UINT16, 0L)
                .attribute(0x0002, ZclType.UINT16, 10000L));
      }
      case MOTION_SENSOR -> {
        clusters.put(
            OCCUPANCY,
            new SimCluster(OCCUPANCY)
                .attribute(ATTR_OCCUPANCY, ZclType.BITMAP8, 0L)
                .attribute(0x0001, ZclType.ENUM8, 0L) // PIR
                .writable(ATTR_PIR_OCCUPIED_TO_UNOCCUPIED_DELAY, ZclType.UINT16, 60L));
        clusters.put(
            ILLUMINANCE,
            new SimCluster(ILLUMINANCE)
                .attribute(ATTR_MEASURED_VALUE, ZclType.UINT16, luxToZcl(300)));
      }
      case SMART_PLUG -> {
        clusters.put(ON_OFF, new SimCluster(ON_OFF).attribute(ATTR_ON_OFF, ZclType.BOOLEAN, 0L));
        clusters.put(
            ELECTRICAL_MEASUREMENT,
            new SimCluster(ELECTRICAL_MEASUREMENT)
                .attribute(ATTR_RMS_VOLTAGE, ZclType.UINT16, 230L)
                .attribute(ATTR_RMS_CURRENT, ZclType.UINT16, 0L)
                .attribute(ATTR_ACTIVE_POWER, ZclType.INT16, 0L)
                .attribute(0x0600, ZclType.UINT16, 1L) // AC voltage multiplier
                .attribute(0x0601, ZclType.UINT16, 1L) // AC voltage divisor: volts
                .attribute(0x0602, ZclType.UINT16, 1L) // AC current multiplier
                .attribute(0x0603, ZclType.UINT16, 1000L) // AC current divisor: milliamps
                .attribute(0x0604, ZclType.UINT16, 1L) // AC power multiplier
                .attribute(0x0605, ZclType.UINT16, 10L)); // AC power divisor: 0.1 W
      }
      case LIGHT -> {
        clusters.put(ON_OFF, new SimCluster(ON_OFF).attribute(ATTR_ON_OFF, ZclType.BOOLEAN, 0L));
        clusters.put(
            LEVEL_CONTROL,
            new SimCluster(LEVEL_CONTROL)
                .attribute(ATTR_CURRENT_LEVEL, ZclType.UINT8, 254L)
                .writable(ATTR_ON_LEVEL, ZclType.UINT8, 0xFFL));
      }
      default -> throw new IllegalStateException("unreachable");
    }
  }

  public static VirtualDevice of(Kind kind, long ieee) {
    return new VirtualDevice(ieee, kind);
  }

  public static VirtualDevice temperatureHumiditySensor(long ieee) {
    return of(Kind.TEMPERATURE_HUMIDITY_SENSOR, ieee);
  }

  public static VirtualDevice motionSensor(long ieee) {
    return of(Kind.MOTION_SENSOR, ieee);
  }

  public static VirtualDevice smartPlug(long ieee) {
    return of(Kind.SMART_PLUG, ieee);
  }

  public static VirtualDevice light(long ieee) {
    return of(Kind.LIGHT, ieee);
  }

  public long ieee() {
    return ieee;
  }

  /** The IEEE address as 16 lower-case hex digits, the way gateways name devices. */
  public String ieeeHex() {
    return String.format("%016x", ieee);
  }

  public Kind kind() {
    return kind;
  }

  public synchronized State state() {
    return state;
  }

  /** The 16-bit network address, or -1 before the device has joined. */
  public synchronized int networkAddress() {
    return networkAddress;
  }

  /** How often this device has joined a network (a restart of the gateway must not add one). */
  public synchronized int joinCount() {
    return joinCount;
  }

  @Override
  public String toString() {
    return kind.shortName() + " " + ieeeHex();
  }

  // ---- the physical world, for tests and the demo ----

  /** Sets the temperature (°C) and stops the random drift. */
  public synchronized void setTemperature(double celsius) {
    temperatureDrifts = false;
    require(TEMPERATURE).get(ATTR_MEASURED_VALUE).set(Math.round(celsius * 100));
  }

  public synchronized double temperature() {
    return require(TEMPERATURE).get(ATTR_MEASURED_VALUE).longValue() / 100.0;
  }

  /** Sets the relative humidity (%) and stops the random drift. */
  public synchronized void setHumidity(double percent) {
    humidityDrifts = false;
    require(HUMIDITY).get(ATTR_MEASURED_VALUE).set(Math.round(percent * 100));
  }

  public synchronized void setOccupied(boolean occupied) {
    require(OCCUPANCY).get(ATTR_OCCUPANCY).set(occupied ? 1L : 0L);
  }

  public synchronized boolean occupied() {
    return require(OCCUPANCY).get(ATTR_OCCUPANCY).longValue() != 0;
  }

  /** The PIR occupied-to-unoccupied delay (s), writable by the gateway. */
  public synchronized long occupancyTimeoutSeconds() {
    return require(OCCUPANCY).get(ATTR_PIR_OCCUPIED_TO_UNOCCUPIED_DELAY).longValue();
  }

  public synchronized void setIlluminance(double lux) {
    require(ILLUMINANCE).get(ATTR_MEASURED_VALUE).set(luxToZcl(lux));
  }

  /**
   * The load a smart plug powers when on (W), steady from now on: the plug then measures exactly
   * this (to its 0.1 W resolution) and stops the ±0.2 W fluctuation an unset plug shows, so a test
   * can expect an exact reading.
   */
  public synchronized void setPowerDraw(double watts) {
    powerFluctuates = false;
    powerDrawWatts = watts;
    updatePlugMeasurements();
  }

  /** The active power the plug measures now (W, 0.1 W resolution). */
  public synchronized double activePower() {
    return require(ELECTRICAL_MEASUREMENT).get(ATTR_ACTIVE_POWER).longValue() / 10.0;
  }

  /** Motion comes and goes by itself: occupied for a third of every period (for the demo). */
  public synchronized VirtualDevice autoMotion(Duration period) {
    require(OCCUPANCY);
    autoMotionPeriodMillis = period.toMillis();
    return this;
  }

  /**
   * Fault: the device answers Configure Reporting with UNREPORTABLE_ATTRIBUTE (0x8C) for every
   * attribute, as devices that can only be polled do; reads, writes and commands still work.
   */
  public synchronized VirtualDevice refuseReporting() {
    refusesReporting = true;
    return this;
  }

  synchronized boolean refusesReporting() {
    return refusesReporting;
  }

  /**
   * Fault: the device is out of range or powered off without leaving the network (as while a
   * restarted coordinator waits for its devices to come back): it hears nothing and reports
   * nothing, and the coordinator answers unicasts to it with transmit status 0x21 "network ACK
   * failure". {@code true} brings it back silently; {@link ZigbeeSimulator#deviceAnnounces} makes
   * it announce itself as well.
   */
  public synchronized void setReachable(boolean value) {
    reachable = value;
  }

  public synchronized boolean isReachable() {
    return reachable;
  }

  /** How many ZCL Read Attributes requests the device has answered. */
  public synchronized int readRequests() {
    return readRequests;
  }

  /** How many unicasts to the device the coordinator could not deliver while it was unreachable. */
  public synchronized int missedFrames() {
    return missedFrames;
  }

  void readRequested() {
    readRequests++; // called by DeviceZcl under this device's lock
  }

  synchronized void missedFrame() {
    missedFrames++;
  }

  public synchronized boolean isOn() {
    return require(ON_OFF).get(ATTR_ON_OFF).longValue() != 0;
  }

  public synchronized int level() {
    return (int) require(LEVEL_CONTROL).get(ATTR_CURRENT_LEVEL).longValue();
  }

  /** Whether the coordinator configured reporting of this attribute. */
  public synchronized boolean isReportingConfigured(int clusterId, int attributeId) {
    SimCluster c = clusters.get(clusterId);
    return c != null && c.get(attributeId) != null && c.get(attributeId).reporting;
  }

  /** The clusters bound to the coordinator, mapped to the coordinator endpoint. */
  public synchronized Map<Integer, Integer> bindings() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(bindings));
  }

  /** Back to factory state: forgets its network, bindings and reporting, searches again. */
  public synchronized void reset() {
    state = State.WAITING_TO_JOIN;
    networkAddress = -1;
    bindings.clear();
    for (SimCluster c : clusters.values()) {
      for (SimAttribute a : c.attributes.values()) {
        a.reporting = false;
        a.lastReported = null;
      }
    }
  }

  // ---- network life, called by the coordinator ----

  synchronized void joined(int nwk) {
    state = State.JOINED;
    networkAddress = nwk;
    joinCount++;
  }

  synchronized void left() {
    state = State.LEFT;
  }

  synchronized boolean isRouter() {
    return kind.router;
  }

  /** MAC capability flags (IEEE 802.15.4): allocate address, and for routers FFD, mains, rx on. */
  synchronized int macCapabilities() {
    return kind.router ? 0x8E : 0x80;
  }

  synchronized ApsFrame deviceAnnounce(int sequence) {
    byte[] payload =
        new WireWriter()
            .u8(sequence)
            .u16le(networkAddress)
            .u64le(ieee)
            .u8(macCapabilities())
            .toByteArray();
    return new ApsFrame(Zdo.ENDPOINT, Zdo.ENDPOINT, Zdo.DEVICE_ANNCE, Zdo.PROFILE, payload, true);
  }

  synchronized List<ApsFrame> handleZdo(int clusterId, byte[] payload, boolean broadcast) {
    if (state != State.JOINED || !reachable) {
      return List.of();
    }
    DeviceZdo.Outcome outcome = DeviceZdo.handle(this, clusterId, payload, broadcast);
    if (outcome.leave()) {
      state = State.LEFT;
    }
    return outcome.responses();
  }

  synchronized List<ApsFrame> handleZcl(
      int sourceEndpoint, int destinationEndpoint, int clusterId, byte[] payload) {
    if (state != State.JOINED || !reachable || destinationEndpoint != ENDPOINT) {
      return List.of();
    }
    return DeviceZcl.handle(this, sourceEndpoint, clusterId, payload);
  }

  /** Advances the simulated world to {@code now} and returns the reports that are due. */
  synchronized List<ApsFrame> tick(long now) {
    if (state != State.JOINED || !reachable) {
      return List.of();
    }
    drift(now);
    List<ApsFrame> reports = new ArrayList<>();
    for (SimCluster cluster : clusters.values()) {
      Integer destination = bindings.get(cluster.id);
      if (destination == null) {
        continue;
      }
      List<SimAttribute> due = new ArrayList<>();
      for (SimAttribute a : cluster.attributes.values()) {
        if (a.reportDue(now)) {
          due.add(a);
        }
      }
      if (!due.isEmpty()) {
        reports.add(DeviceZcl.report(this, cluster.id, destination, due, now));
      }
    }
    return reports;
  }

  // ---- package-private accessors for DeviceZdo / DeviceZcl ----

  Map<Integer, SimCluster> clusters() {
    return clusters;
  }

  int deviceId() {
    return kind.deviceId;
  }

  int nextZclSequence() {
    zclSequence = (zclSequence + 1) & 0xFF;
    return zclSequence;
  }

  void bind(int clusterId, int destinationEndpoint) {
    bindings.put(clusterId, destinationEndpoint);
  }

  void unbind(int clusterId) {
    bindings.remove(clusterId);
  }

  /** Applies On/Off and Level Control side effects (a smart plug's power follows its switch). */
  void onStateChanged() {
    if (kind == Kind.SMART_PLUG) {
      updatePlugMeasurements();
    }
  }

  private void updatePlugMeasurements() {
    SimCluster em = clusters.get(ELECTRICAL_MEASUREMENT);
    if (em == null) {
      return;
    }
    double watts = isOn() ? powerDrawWatts : 0;
    em.get(ATTR_ACTIVE_POWER).set(Math.round(watts * 10)); // divisor 10
    long volts = em.get(ATTR_RMS_VOLTAGE).longValue();
    em.get(ATTR_RMS_CURRENT).set(Math.round(watts / volts * 1000)); // milliamps
  }

  private void drift(long now) {
    if (now - lastDriftMillis < 1000) {
      return;
    }
    lastDriftMillis = now;
    SimCluster t = clusters.get(TEMPERATURE);
    if (t != null && temperatureDrifts) {
      SimAttribute v = t.get(ATTR_MEASURED_VALUE);
      v.set(clamp(v.longValue() + random.nextInt(11) - 5, 1500, 3000));
    }
    SimCluster h = clusters.get(HUMIDITY);
    if (h != null && humidityDrifts) {
      SimAttribute v = h.get(ATTR_MEASURED_VALUE);
      v.set(clamp(v.longValue() + random.nextInt(21) - 10, 3000, 7000));
    }
    if (autoMotionPeriodMillis > 0 && now - lastMotionToggleMillis >= autoMotionPeriodMillis / 3) {
      lastMotionToggleMillis = now;
      long phase = (now / (autoMotionPeriodMillis / 3)) % 3;
      setOccupied(phase == 0);
    }
    if (kind == Kind.SMART_PLUG && powerFluctuates && isOn()) {
      // an unset load wobbles like a real one (mains, thermostat): ±0.2 W, below the 0.5 W a
      // gateway typically asks to be told about
      SimAttribute p = clusters.get(ELECTRICAL_MEASUREMENT).get(ATTR_ACTIVE_POWER);
      p.set(Math.round(powerDrawWatts * 10) + random.nextInt(5) - 2);
    }
  }

  private SimCluster require(int clusterId) {
    SimCluster c = clusters.get(clusterId);
    if (c == null) {
      throw new IllegalStateException(
          String.format(Locale.ROOT, "a %s has no cluster 0x%04X", kind.shortName(), clusterId));
    }
    return c;
  }

  private static long clamp(long value, long min, long max) {
    return Math.max(min, Math.min(max, value));
  }

  /** ZCL illuminance: 10000 * log10(lux) + 1. */
  static long luxToZcl(double lux) {
    return lux <= 0 ? 0 : Math.round(10000 * Math.log10(lux) + 1);
  }
}
