package io.edgerule.adapter.opcua.internal;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ubyte;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.edgerule.adapter.opcua.OpcUaIdentity;
import io.edgerule.adapter.opcua.SecurityMode;
import io.edgerule.adapter.opcua.SecurityPolicyName;
import java.util.List;
import org.eclipse.milo.opcua.stack.core.Stack;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.UserTokenType;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.UserTokenPolicy;
import org.junit.jupiter.api.Test;

class EndpointsTest {
  static final UserTokenPolicy ANONYMOUS =
      new UserTokenPolicy("anonymous", UserTokenType.Anonymous, null, null, null);
  static final UserTokenPolicy USERNAME =
      new UserTokenPolicy("username", UserTokenType.UserName, null, null, null);

  static EndpointDescription endpoint(
      SecurityPolicyName policy, MessageSecurityMode mode, int level, UserTokenPolicy... tokens) {
    return new EndpointDescription(
        "opc.tcp://plc-7.local:4840",
        null,
        null,
        mode,
        policy.uri(),
        tokens,
        Stack.TCP_UASC_UABINARY_TRANSPORT_URI,
        ubyte(level));
  }

  static final List<EndpointDescription> OFFERED =
      List.of(
          endpoint(SecurityPolicyName.NONE, MessageSecurityMode.None, 0, ANONYMOUS),
          endpoint(SecurityPolicyName.BASIC256SHA256, MessageSecurityMode.Sign, 2, USERNAME),
          endpoint(
              SecurityPolicyName.BASIC256SHA256,
              MessageSecurityMode.SignAndEncrypt,
              3,
              ANONYMOUS,
              USERNAME),
          endpoint(
              SecurityPolicyName.BASIC256SHA256,
              MessageSecurityMode.SignAndEncrypt,
              5,
              ANONYMOUS,
              USERNAME));

  @Test
  void picksTheMatchingEndpointWithTheHighestSecurityLevel() throws Exception {
    EndpointDescription e =
        Endpoints.select(
            OFFERED,
            SecurityPolicyName.BASIC256SHA256,
            SecurityMode.SIGN_AND_ENCRYPT,
            OpcUaIdentity.Type.USERNAME);
    assertEquals(5, e.getSecurityLevel().intValue());
  }

  @Test
  void saysWhatTheServerOffersWhenNothingMatches() {
    var e =
        assertThrows(
            Endpoints.NoMatchingEndpoint.class,
            () ->
                Endpoints.select(
                    OFFERED,
                    SecurityPolicyName.AES256_SHA256_RSAPSS,
                    SecurityMode.SIGN,
                    OpcUaIdentity.Type.ANONYMOUS));
    assertEquals(
        "the server offers no endpoint with security Aes256_Sha256_RsaPss/Sign; it offers:"
            + " None/None, Basic256Sha256/Sign, Basic256Sha256/SignAndEncrypt (set"
            + " security_policy and security_mode to one of these)",
        e.getMessage());
  }

  @Test
  void saysWhichIdentitiesTheEndpointAccepts() {
    var e =
        assertThrows(
            Endpoints.NoMatchingEndpoint.class,
            () ->
                Endpoints.select(
                    OFFERED,
                    SecurityPolicyName.BASIC256SHA256,
                    SecurityMode.SIGN,
                    OpcUaIdentity.Type.X509));
    assertEquals(
        "the server's Basic256Sha256/Sign endpoint does not accept X.509 certificate users; it"
            + " accepts: username/password",
        e.getMessage());
  }

  @Test
  void aPasswordIsNeverSentInClearText() throws Exception {
    UserTokenPolicy clear = new UserTokenPolicy("u", UserTokenType.UserName, null, null, null);
    UserTokenPolicy encrypted =
        new UserTokenPolicy(
            "u", UserTokenType.UserName, null, null, SecurityPolicyName.BASIC256SHA256.uri());
    var e =
        assertThrows(
            Endpoints.NoMatchingEndpoint.class,
            () ->
                Endpoints.select(
                    List.of(endpoint(SecurityPolicyName.NONE, MessageSecurityMode.None, 0, clear)),
                    SecurityPolicyName.NONE,
                    SecurityMode.NONE,
                    OpcUaIdentity.Type.USERNAME));
    assertEquals(
        "the server's None endpoint would receive the password in clear text; use a secure"
            + " security_policy",
        e.getMessage());
    Endpoints.select(
        List.of(endpoint(SecurityPolicyName.NONE, MessageSecurityMode.None, 0, encrypted)),
        SecurityPolicyName.NONE,
        SecurityMode.NONE,
        OpcUaIdentity.Type.USERNAME);
  }

  @Test
  void theConfiguredAddressReplacesTheAdvertisedHost() {
    EndpointDescription e = Endpoints.withAddress(OFFERED.get(0), "10.0.0.5", 4841);
    assertEquals("opc.tcp://10.0.0.5:4841", e.getEndpointUrl());
  }
}
