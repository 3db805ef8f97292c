package io.edgerule.adapter.opcua.internal;

import io.edgerule.adapter.opcua.OpcUaIdentity;
import io.edgerule.adapter.opcua.SecurityMode;
import io.edgerule.adapter.opcua.SecurityPolicyName;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.eclipse.milo.opcua.stack.core.Stack;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.UserTokenType;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.UserTokenPolicy;
import org.eclipse.milo.opcua.stack.core.util.EndpointUtil;

/** Chooses the server endpoint that matches the configured security, or says what is offered. */
public final class Endpoints {
  private Endpoints() {}

  /** The endpoint doesn't exist on the server; the message lists what the server offers. */
  public static final class NoMatchingEndpoint extends Exception {
    public NoMatchingEndpoint(String message) {
      super(message);
    }
  }

  /**
   * Picks the endpoint with the policy and mode (binary TCP transport), that accepts the identity
   * type; among several, the one with the highest security level.
   */
  public static EndpointDescription select(
      List<EndpointDescription> endpoints,
      SecurityPolicyName policy,
      SecurityMode mode,
      OpcUaIdentity.Type identity)
      throws NoMatchingEndpoint {
    List<EndpointDescription> tcp =
        endpoints.stream()
            .filter(
                e ->
                    e.getTransportProfileUri() == null
                        || e.getTransportProfileUri().isEmpty()
                        || Stack.TCP_UASC_UABINARY_TRANSPORT_URI.equals(e.getTransportProfileUri()))
            .toList();
    List<EndpointDescription> secured =
        tcp.stream()
            .filter(e -> policy.uri().equals(e.getSecurityPolicyUri()))
            .filter(e -> toMiloMode(mode) == e.getSecurityMode())
            .toList();
    if (secured.isEmpty()) {
      throw new NoMatchingEndpoint(
          "the server offers no endpoint with security "
              + policy.displayName()
              + "/"
              + mode.displayName()
              + "; it offers: "
              + offered(tcp)
              + " (set security_policy and security_mode to one of these)");
    }
    List<EndpointDescription> usable =
        secured.stream().filter(e -> acceptsIdentity(e, identity)).toList();
    if (usable.isEmpty()) {
      throw new NoMatchingEndpoint(
          "the server's "
              + policy.displayName()
              + "/"
              + mode.displayName()
              + " endpoint does not accept "
              + identityName(identity)
              + " users; it accepts: "
              + String.join(", ", tokenTypes(secured.get(0))));
    }
    EndpointDescription best =
        usable.stream()
            .max(Comparator.comparingInt(e -> e.getSecurityLevel().intValue()))
            .orElseThrow();
    if (identity == OpcUaIdentity.Type.USERNAME && policy == SecurityPolicyName.NONE) {
      // Milo uses the endpoint's first UserName token policy; on a None endpoint a token policy
      // without its own security policy means the password would cross the network in clear.
      UserTokenPolicy token =
          java.util.Arrays.stream(best.getUserIdentityTokens())
              .filter(t -> t.getTokenType() == UserTokenType.UserName)
              .findFirst()
              .orElseThrow();
      String uri = token.getSecurityPolicyUri();
      if (uri == null || uri.isEmpty() || SecurityPolicyName.NONE.uri().equals(uri)) {
        throw new NoMatchingEndpoint(
            "the server's None endpoint would receive the password in clear text; use a secure"
                + " security_policy");
      }
    }
    return best;
  }

  /**
   * The endpoint with the host and port the user configured: servers often advertise a host name
   * the gateway cannot resolve (their own machine name, an address behind NAT).
   */
  public static EndpointDescription withAddress(
      EndpointDescription endpoint, String host, int port) {
    return EndpointUtil.updateUrl(endpoint, host, port);
  }

  static MessageSecurityMode toMiloMode(SecurityMode mode) {
    return switch (mode) {
      case NONE -> MessageSecurityMode.None;
      case SIGN -> MessageSecurityMode.Sign;
      case SIGN_AND_ENCRYPT -> MessageSecurityMode.SignAndEncrypt;
    };
  }

  private static boolean acceptsIdentity(EndpointDescription e, OpcUaIdentity.Type identity) {
    UserTokenType wanted =
        switch (identity) {
          case ANONYMOUS -> UserTokenType.Anonymous;
          case USERNAME -> UserTokenType.UserName;
          case X509 -> UserTokenType.Certificate;
        };
    UserTokenPolicy[] tokens = e.getUserIdentityTokens();
    if (tokens == null) {
      return false;
    }
    for (UserTokenPolicy t : tokens) {
      if (t.getTokenType() == wanted) {
        return true;
      }
    }
    return false;
  }

  private static String identityName(OpcUaIdentity.Type identity) {
    return switch (identity) {
      case ANONYMOUS -> "anonymous";
      case USERNAME -> "username/password";
      case X509 -> "X.509 certificate";
    };
  }

  private static List<String> tokenTypes(EndpointDescription e) {
    List<String> out = new ArrayList<>();
    if (e.getUserIdentityTokens() != null) {
      for (UserTokenPolicy t : e.getUserIdentityTokens()) {
        String name =
            switch (t.getTokenType()) {
              case Anonymous -> "anonymous";
              case UserName -> "username/password";
              case Certificate -> "X.509 certificate";
              case IssuedToken -> "issued token";
            };
        if (!out.contains(name)) {
          out.add(name);
        }
      }
    }
    if (out.isEmpty()) {
      out.add("nothing");
    }
    return out;
  }

  /** "None/None, Basic256Sha256/SignAndEncrypt, ..." */
  public static String offered(List<EndpointDescription> endpoints) {
    Set<String> out = new LinkedHashSet<>();
    for (EndpointDescription e : endpoints) {
      String uri = Objects.requireNonNullElse(e.getSecurityPolicyUri(), "");
      String policy = uri.contains("#") ? uri.substring(uri.indexOf('#') + 1) : uri;
      out.add(policy + "/" + e.getSecurityMode());
    }
    return out.isEmpty() ? "no endpoints" : String.join(", ", out);
  }
}
