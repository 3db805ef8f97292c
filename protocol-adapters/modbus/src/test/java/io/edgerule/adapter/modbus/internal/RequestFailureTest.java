package io.edgerule.adapter.modbus.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.digitalpetri.modbus.exceptions.ModbusException;
import com.digitalpetri.modbus.exceptions.ModbusResponseException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class RequestFailureTest {
  private static RequestFailure classify(Throwable t) {
    return RequestFailure.classify(t, Duration.ofMillis(750), "10.0.0.5:502");
  }

  @Test
  void exceptionResponsesNameCodeAndMeaning() {
    assertEquals(
        "exception 02 ILLEGAL_DATA_ADDRESS",
        classify(new CompletionException(new ModbusResponseException(3, 2))).reason());
    assertEquals(
        "exception 0B GATEWAY_TARGET_DEVICE_FAILED_TO_RESPONSE",
        classify(new ModbusResponseException(3, 0x0B)).reason());
    assertEquals("exception 07 UNKNOWN", classify(new ModbusResponseException(3, 7)).reason());
  }

  @Test
  void timeoutsAndConnectionProblems() {
    assertEquals(
        new RequestFailure.Timeout("timeout after 750 ms"),
        classify(new CompletionException(new TimeoutException("request timed out after 750ms"))));
    assertEquals(
        new RequestFailure.LinkDown("connection refused by 10.0.0.5:502"),
        classify(new ConnectException("Connection refused: /10.0.0.5:502")));
    assertEquals(
        new RequestFailure.LinkDown("connect timeout after 750 ms to 10.0.0.5:502"),
        classify(new ConnectException("connection timed out after 750 ms: /10.0.0.5:502")));
    assertEquals(
        new RequestFailure.LinkDown("unknown host 'plc.local'"),
        classify(new UnknownHostException("plc.local")));
    assertEquals(
        new RequestFailure.LinkDown("connection lost: Connection reset by peer"),
        classify(new IOException("Connection reset by peer")));
    assertEquals(
        new RequestFailure.LinkDown("connection lost"),
        classify(new LinkDownException("connection lost")));
  }

  @Test
  void nonsenseAnswersAreGarbled() {
    assertEquals(
        new RequestFailure.Garbled("bad response: unexpected function code: 0x04"),
        classify(new ModbusException("unexpected function code: 0x04")));
  }
}
