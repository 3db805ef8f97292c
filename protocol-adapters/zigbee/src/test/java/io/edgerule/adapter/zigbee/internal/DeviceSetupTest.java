package io.edgerule.adapter.zigbee.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.zsmartsystems.zigbee.zcl.ZclStatus;
import com.zsmartsystems.zigbee.zcl.clusters.general.ConfigureReportingResponse;
import com.zsmartsystems.zigbee.zcl.field.AttributeStatusRecord;
import io.edgerule.adapter.PointId;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a device's answers to its setup requests mean. */
class DeviceSetupTest {

  @Test
  void aReportingRefusalIsFoundInTheStatusAndInThePerAttributeRecords() {
    PointId point = PointId.parse("hall_light/on_off");
    ConfigureReportingResponse allOk = new ConfigureReportingResponse();
    allOk.setStatus(ZclStatus.SUCCESS);
    assertEquals(Optional.empty(), DeviceSetup.reportingRefused(point, allOk));

    ConfigureReportingResponse refusedAll = new ConfigureReportingResponse();
    refusedAll.setStatus(ZclStatus.UNSUPPORTED_ATTRIBUTE);
    assertEquals(
        Optional.of("hall_light/on_off configure reporting: UNSUPPORTED_ATTRIBUTE"),
        DeviceSetup.reportingRefused(point, refusedAll));

    // ZCL: when not all succeed, one record per failed attribute and no overall status
    AttributeStatusRecord record = new AttributeStatusRecord();
    record.setStatus(ZclStatus.UNREPORTABLE_ATTRIBUTE);
    record.setDirection(false);
    record.setAttributeIdentifier(0x0000);
    ConfigureReportingResponse refusedOne = new ConfigureReportingResponse();
    refusedOne.setRecords(List.of(record));
    assertEquals(
        Optional.of("hall_light/on_off configure reporting: UNREPORTABLE_ATTRIBUTE"),
        DeviceSetup.reportingRefused(point, refusedOne));
  }
}
