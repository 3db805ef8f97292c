package io.edgerule.adapter.zigbee.internal;

import com.zsmartsystems.zigbee.IeeeAddress;
import com.zsmartsystems.zigbee.database.ZclClusterDao;
import com.zsmartsystems.zigbee.database.ZigBeeEndpointDao;
import com.zsmartsystems.zigbee.database.ZigBeeNetworkDataStore;
import com.zsmartsystems.zigbee.database.ZigBeeNodeDao;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The library's network data store as one small properties file per node, {@code
 * nodes/<ieee>.properties}: network address, node and power descriptors, endpoints with their
 * clusters. Enough for a restarted gateway to know every paired device without re-pairing or
 * re-discovery. Files are replaced atomically; an unreadable file is reported and skipped, never
 * deleted.
 */
public final class FileNetworkDataStore implements ZigBeeNetworkDataStore {
  private static final Logger log = LoggerFactory.getLogger(FileNetworkDataStore.class);
  private static final String SUFFIX = ".properties";

  private final Path nodesDirectory;
  private boolean closed; // guarded by this

  public FileNetworkDataStore(Path directory) throws IOException {
    this.nodesDirectory = directory.resolve("nodes");
    Files.createDirectories(nodesDirectory);
  }

  @Override
  public synchronized Set<IeeeAddress> readNetworkNodes() {
    Set<IeeeAddress> nodes = new HashSet<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(nodesDirectory, "*" + SUFFIX)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        try {
          nodes.add(new IeeeAddress(name.substring(0, name.length() - SUFFIX.length())));
        } catch (IllegalArgumentException e) {
          log.warn("ignored {}: the file name is not an IEEE address", file);
        }
      }
    } catch (IOException e) {
      log.error("cannot list the Zigbee nodes in {}: {}", nodesDirectory, e.toString());
    }
    return nodes;
  }

  @Override
  public synchronized ZigBeeNodeDao readNode(IeeeAddress address) {
    Path file = fileFor(address);
    if (!Files.exists(file)) {
      return null;
    }
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
      return toDao(address, p);
    } catch (IOException | RuntimeException e) {
      log.error(
          "ignored the stored Zigbee node {}: {} is unreadable ({}); the device will be discovered"
              + " again when it talks",
          address,
          file,
          e.getMessage());
      return null;
    }
  }

  /**
   * No writes or removals from now on. The library writes nodes from its own threads, later than
   * the change (deferred writes), and one could land after the adapter closed: in a state folder a
   * reloaded adapter already uses, or one being deleted (ZigbeeTcpIT's temporary folder, which
   * failed to delete in a full-suite run). Waits for a write under way.
   */
  public synchronized void close() {
    closed = true;
  }

  @Override
  public synchronized void writeNode(ZigBeeNodeDao node) {
    if (closed) {
      log.debug("not storing Zigbee node {}: the adapter is closed", node.getIeeeAddress());
      return;
    }
    Path file = fileFor(node.getIeeeAddress());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Properties p = toProperties(node);
    try {
      try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        p.store(
            out,
            "Zigbee node, written by edgerule; safe to delete (the device is then rediscovered)");
      }
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      log.error("cannot store Zigbee node {} in {}: {}", node.getIeeeAddress(), file, e.toString());
    }
  }

  @Override
  public synchronized void removeNode(IeeeAddress address) {
    if (closed) {
      log.debug("not removing stored Zigbee node {}: the adapter is closed", address);
      return;
    }
    try {
      Files.deleteIfExists(fileFor(address));
    } catch (IOException e) {
      log.error("cannot remove stored Zigbee node {}: {}", address, e.toString());
    }
  }

  private Path fileFor(IeeeAddress address) {
    return nodesDirectory.resolve(address.toString().toLowerCase(Locale.ROOT) + SUFFIX);
  }

  static Properties toProperties(ZigBeeNodeDao node) {
    Properties p = new Properties();
    p.setProperty("ieee", node.getIeeeAddress().toString().toLowerCase(Locale.ROOT));
    if (node.getNetworkAddress() != null) {
      p.setProperty("nwk", String.format("%04x", node.getNetworkAddress()));
    }
    if (node.getNodeDescriptor() != null) {
      for (Map.Entry<String, Integer> e :
          new TreeMap<>(DescriptorCodec.encode(node.getNodeDescriptor())).entrySet()) {
        p.setProperty("node." + e.getKey(), Integer.toString(e.getValue()));
      }
    }
    if (node.getPowerDescriptor() != null) {
      p.setProperty("power", join(DescriptorCodec.encode(node.getPowerDescriptor()), "%d"));
    }
    List<String> endpointIds = new ArrayList<>();
    for (ZigBeeEndpointDao ep : node.getEndpoints()) {
      String prefix = "endpoint." + ep.getEndpointId() + ".";
      endpointIds.add(Integer.toString(ep.getEndpointId()));
      if (ep.getProfileId() != null) {
        p.setProperty(prefix + "profile", String.format("%04x", ep.getProfileId()));
      }
      if (ep.getDeviceId() != null) {
        p.setProperty(prefix + "device", String.format("%04x", ep.getDeviceId()));
      }
      if (ep.getDeviceVersion() != null) {
        p.setProperty(prefix + "version", Integer.toString(ep.getDeviceVersion()));
      }
      p.setProperty(
          prefix + "in", joinIds(clusterIds(ep.getInputClusterIds(), ep.getInputClusters())));
      p.setProperty(
          prefix + "out", joinIds(clusterIds(ep.getOutputClusterIds(), ep.getOutputClusters())));
    }
    p.setProperty("endpoints", String.join(",", endpointIds));
    return p;
  }

  static ZigBeeNodeDao toDao(IeeeAddress address, Properties p) {
    ZigBeeNodeDao dao = new ZigBeeNodeDao();
    dao.setIeeeAddress(address);
    String nwk = p.getProperty("nwk");
    if (nwk != null) {
      dao.setNetworkAddress(hex("nwk", nwk));
    }
    if (p.getProperty("node.logical_type") != null) {
      Map<String, Integer> fields = new HashMap<>();
      for (String key : p.stringPropertyNames()) {
        if (key.startsWith("node.")) {
          fields.put(key.substring(5), Integer.parseInt(p.getProperty(key)));
        }
      }
      dao.setNodeDescriptor(DescriptorCodec.decodeNode(fields));
      dao.setMacCapabilities(dao.getNodeDescriptor().getMacCapabilities());
    }
    String power = p.getProperty("power");
    if (power != null) {
      dao.setPowerDescriptor(
          DescriptorCodec.decodePower(
              Arrays.stream(power.split(",")).mapToInt(Integer::parseInt).toArray()));
    }
    List<ZigBeeEndpointDao> endpoints = new ArrayList<>();
    String ids = p.getProperty("endpoints", "");
    for (String id : ids.isBlank() ? new String[0] : ids.split(",")) {
      String prefix = "endpoint." + id.trim() + ".";
      ZigBeeEndpointDao ep = new ZigBeeEndpointDao();
      ep.setEndpointId(Integer.parseInt(id.trim()));
      String profile = p.getProperty(prefix + "profile");
      if (profile != null) {
        ep.setProfileId(hex(prefix + "profile", profile));
      }
      String device = p.getProperty(prefix + "device");
      if (device != null) {
        ep.setDeviceId(hex(prefix + "device", device));
      }
      String version = p.getProperty(prefix + "version");
      if (version != null) {
        ep.setDeviceVersion(Integer.parseInt(version));
      }
      List<Integer> in = parseIds(p.getProperty(prefix + "in", ""));
      List<Integer> out = parseIds(p.getProperty(prefix + "out", ""));
      ep.setInputClusterIds(in);
      ep.setOutputClusterIds(out);
      ep.setInputClusters(clusterDaos(in, false));
      ep.setOutputClusters(clusterDaos(out, true));
      endpoints.add(ep);
    }
    dao.setEndpoints(endpoints);
    return dao;
  }

  private static List<Integer> clusterIds(List<Integer> ids, List<ZclClusterDao> clusters) {
    if (ids != null && !ids.isEmpty()) {
      return ids;
    }
    List<Integer> result = new ArrayList<>();
    for (ZclClusterDao c : clusters) {
      result.add(c.getClusterId());
    }
    return result;
  }

  private static List<ZclClusterDao> clusterDaos(List<Integer> ids, boolean client) {
    List<ZclClusterDao> result = new ArrayList<>();
    for (int id : ids) {
      ZclClusterDao c = new ZclClusterDao();
      c.setClusterId(id);
      c.setClient(client);
      c.setAttributes(new HashMap<>());
      c.setSupportedCommandsGenerated(new HashSet<>());
      c.setSupportedCommandsReceived(new HashSet<>());
      result.add(c);
    }
    return result;
  }

  private static String joinIds(List<Integer> ids) {
    List<String> hex = new ArrayList<>();
    for (int id : ids) {
      hex.add(String.format("%04x", id));
    }
    return String.join(",", hex);
  }

  private static List<Integer> parseIds(String text) {
    List<Integer> ids = new ArrayList<>();
    for (String s : text.split(",")) {
      if (!s.isBlank()) {
        ids.add(hex("cluster id", s.trim()));
      }
    }
    return ids;
  }

  private static int hex(String key, String value) {
    try {
      return Integer.parseInt(value, 16);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " '" + value + "' is not a hex number", e);
    }
  }

  private static String join(int[] values, String format) {
    List<String> parts = new ArrayList<>();
    for (int v : values) {
      parts.add(String.format(format, v));
    }
    return String.join(",", parts);
  }
}
