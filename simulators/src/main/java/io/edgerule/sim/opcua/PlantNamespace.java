package io.edgerule.sim.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ushort;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.milo.opcua.sdk.core.AccessLevel;
import org.eclipse.milo.opcua.sdk.core.ValueRanks;
import org.eclipse.milo.opcua.sdk.server.ManagedNamespaceWithLifecycle;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.items.DataItem;
import org.eclipse.milo.opcua.sdk.server.items.MonitoredItem;
import org.eclipse.milo.opcua.sdk.server.model.variables.AnalogItemTypeNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaFolderNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.sdk.server.nodes.factories.NodeFactory;
import org.eclipse.milo.opcua.sdk.server.util.SubscriptionModel;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExtensionObject;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.structured.EUInformation;
import org.eclipse.milo.opcua.stack.core.types.structured.Range;

/**
 * The plant's address space, {@value #URI} (namespace index 2 on this server):
 *
 * <pre>
 * Objects/Plant/
 *   Tank/Temperature            Double   AnalogItem, EURange 0..120 degC    read
 *   Tank/TemperatureSetpoint    Double                                     read/write
 *   Tank/Level                  Float    percent                           read
 *   Tank/HighLevel              Boolean  Level above Limits.high           read
 *   Tank/TemperatureProfile     Double[5] temperatures by depth            read
 *   Tank/Limits                 Range    structure {low, high}             read/write
 *   Pump/Command                Boolean                                    read/write
 *   Pump/Running                Boolean                                    read
 *   Pump/SpeedSetpoint          UInt16   rpm                               read/write
 *   Pump/Speed                  UInt16   rpm                               read
 *   Pump/Starts                 Int32                                      read
 *   Line/Counter                Int32    +1 every tick                     read
 *   Line/State                  String   RUNNING / STOPPED                 read
 *   Line/BatchName              String                                     read/write
 *   Diagnostics/SensorFault     Double   always Bad_SensorFailure          read
 *   Diagnostics/StaleValue      Double   always Uncertain_LastUsableValue  read
 * </pre>
 *
 * NodeIds are strings: {@code ns=2;s=Tank/Temperature}.
 */
final class PlantNamespace extends ManagedNamespaceWithLifecycle {
  static final String URI = "urn:edgerule:sim:plant";

  private final SubscriptionModel subscriptionModel;
  private final Map<String, UaVariableNode> nodes = new LinkedHashMap<>();

  PlantNamespace(OpcUaServer server) {
    super(server, URI);
    subscriptionModel = new SubscriptionModel(server, this);
    getLifecycleManager().addLifecycle(subscriptionModel);
    getLifecycleManager().addStartupTask(this::createNodes);
  }

  Map<String, UaVariableNode> nodes() {
    return nodes;
  }

  private void createNodes() {
    UaFolderNode plant = folder("Plant", null);
    plant.addReference(
        new org.eclipse.milo.opcua.sdk.core.Reference(
            plant.getNodeId(), NodeIds.Organizes, NodeIds.ObjectsFolder.expanded(), false));
    UaFolderNode tank = folder("Tank", plant);
    UaFolderNode pump = folder("Pump", plant);
    UaFolderNode line = folder("Line", plant);
    UaFolderNode diagnostics = folder("Diagnostics", plant);

    analog("Tank/Temperature", tank, 20.0, new Range(0.0, 120.0));
    variable("Tank/TemperatureSetpoint", tank, NodeIds.Double, new Variant(60.0), true);
    variable("Tank/Level", tank, NodeIds.Float, new Variant(50.0f), false);
    variable("Tank/HighLevel", tank, NodeIds.Boolean, new Variant(false), false);
    UaVariableNode profile =
        variable(
            "Tank/TemperatureProfile", tank, NodeIds.Double, new Variant(new Double[5]), false);
    profile.setValueRank(ValueRanks.OneDimension);
    profile.setArrayDimensions(new UInteger[] {uint(5)});
    variable(
        "Tank/Limits",
        tank,
        NodeIds.Range,
        new Variant(
            ExtensionObject.encode(getServer().getStaticEncodingContext(), new Range(10.0, 90.0))),
        true);
    variable("Pump/Command", pump, NodeIds.Boolean, new Variant(false), true);
    variable("Pump/Running", pump, NodeIds.Boolean, new Variant(false), false);
    variable("Pump/SpeedSetpoint", pump, NodeIds.UInt16, new Variant(ushort(1450)), true);
    variable("Pump/Speed", pump, NodeIds.UInt16, new Variant(ushort(0)), false);
    variable("Pump/Starts", pump, NodeIds.Int32, new Variant(0), false);
    variable("Line/Counter", line, NodeIds.Int32, new Variant(0), false);
    variable("Line/State", line, NodeIds.String, new Variant("STOPPED"), false);
    variable("Line/BatchName", line, NodeIds.String, new Variant("BATCH-001"), true);
    UaVariableNode fault =
        variable("Diagnostics/SensorFault", diagnostics, NodeIds.Double, Variant.NULL_VALUE, false);
    fault.setValue(new DataValue(new StatusCode(StatusCodes.Bad_SensorFailure)));
    UaVariableNode stale =
        variable("Diagnostics/StaleValue", diagnostics, NodeIds.Double, new Variant(12.5), false);
    stale.setValue(
        new DataValue(
            new Variant(12.5),
            new StatusCode(StatusCodes.Uncertain_LastUsableValue),
            new DateTime(java.time.Instant.parse("2026-01-01T00:00:00Z"))));
  }

  private UaFolderNode folder(String name, UaFolderNode parent) {
    UaFolderNode folder =
        new UaFolderNode(
            getNodeContext(), newNodeId(name), newQualifiedName(name), LocalizedText.english(name));
    getNodeManager().addNode(folder);
    if (parent != null) {
      parent.addOrganizes(folder);
    }
    return folder;
  }

  private UaVariableNode variable(
      String path, UaFolderNode parent, NodeId dataType, Variant initial, boolean writable) {
    String name = path.substring(path.indexOf('/') + 1);
    UaVariableNode node =
        new UaVariableNode.UaVariableNodeBuilder(getNodeContext())
            .setNodeId(newNodeId(path))
            .setAccessLevel(writable ? AccessLevel.READ_WRITE : AccessLevel.READ_ONLY)
            .setUserAccessLevel(writable ? AccessLevel.READ_WRITE : AccessLevel.READ_ONLY)
            .setBrowseName(newQualifiedName(name))
            .setDisplayName(LocalizedText.english(name))
            .setDataType(dataType)
            .setTypeDefinition(NodeIds.BaseDataVariableType)
            .build();
    node.setValue(new DataValue(initial));
    getNodeManager().addNode(node);
    parent.addOrganizes(node);
    nodes.put(path, node);
    return node;
  }

  private void analog(String path, UaFolderNode parent, double initial, Range euRange) {
    String name = path.substring(path.indexOf('/') + 1);
    try {
      AnalogItemTypeNode node =
          (AnalogItemTypeNode)
              getNodeFactory()
                  .createNode(
                      newNodeId(path),
                      NodeIds.AnalogItemType,
                      new NodeFactory.InstantiationCallback() {
                        @Override
                        public boolean includeOptionalNode(
                            NodeId typeDefinitionId, QualifiedName browseName) {
                          return true;
                        }
                      });
      node.setBrowseName(newQualifiedName(name));
      node.setDisplayName(LocalizedText.english(name));
      node.setDataType(NodeIds.Double);
      node.setAccessLevel(AccessLevel.toValue(AccessLevel.READ_ONLY));
      node.setUserAccessLevel(AccessLevel.toValue(AccessLevel.READ_ONLY));
      node.setValue(new DataValue(new Variant(initial)));
      node.setEuRange(euRange);
      node.setEngineeringUnits(
          new EUInformation(
              "http://www.opcfoundation.org/UA/units/un/cefact",
              4408652,
              LocalizedText.english("°C"),
              LocalizedText.english("degree Celsius")));
      getNodeManager().addNode(node);
      parent.addOrganizes(node);
      nodes.put(path, node);
    } catch (UaException e) {
      throw new IllegalStateException("cannot create " + path, e);
    }
  }

  @Override
  public void onDataItemsCreated(List<DataItem> dataItems) {
    subscriptionModel.onDataItemsCreated(dataItems);
  }

  @Override
  public void onDataItemsModified(List<DataItem> dataItems) {
    subscriptionModel.onDataItemsModified(dataItems);
  }

  @Override
  public void onDataItemsDeleted(List<DataItem> dataItems) {
    subscriptionModel.onDataItemsDeleted(dataItems);
  }

  @Override
  public void onMonitoringModeChanged(List<MonitoredItem> monitoredItems) {
    subscriptionModel.onMonitoringModeChanged(monitoredItems);
  }
}
