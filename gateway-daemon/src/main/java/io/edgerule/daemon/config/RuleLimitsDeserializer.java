package io.edgerule.daemon.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.edgerule.sandbox.RuleLimit;
import io.edgerule.sandbox.RuleLimits;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Binds {@code rule_limits:}, the gateway's ceiling for every rule's limits, driven by the
 * sandbox's table of limits ({@link RuleLimit#all()}): every key of the table is accepted, each
 * value is read with the config's own readers (durations, whole numbers) and checked against its
 * limit's range; unset limits keep {@link RuleLimits#hostDefaults()}. A manifest can ask for less,
 * never for more (for the re-admission waits: never for shorter). {@code stack_kib} sizes the rule
 * threads themselves (shared by all rules).
 */
final class RuleLimitsDeserializer extends JsonDeserializer<RuleLimits> {
  private static final List<Object> KEYS =
      RuleLimit.all().stream().map(l -> (Object) l.key()).toList();

  @Override
  public RuleLimits deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    if (!p.isExpectedStartObjectToken()) {
      return (RuleLimits) ctxt.handleUnexpectedToken(RuleLimits.class, p);
    }
    RuleLimits limits = RuleLimits.hostDefaults();
    Set<String> seen = new HashSet<>();
    for (String key = p.nextFieldName(); key != null; key = p.nextFieldName()) {
      RuleLimit<?> limit = RuleLimit.byKey(key);
      if (limit == null) {
        throw UnrecognizedPropertyException.from(p, RuleLimits.class, key, KEYS);
      }
      if (!seen.add(key)) {
        // The parser's strict duplicate detection reports this first; kept for direct use.
        throw JsonMappingException.from(p, "duplicate key '" + key + "'");
      }
      JsonToken value = p.nextToken();
      if (value == JsonToken.VALUE_NULL) {
        continue; // "deadline:" with nothing after it: the default, as for a missing key
      }
      limits = with(limits, limit, p, ctxt);
    }
    return limits;
  }

  private static <T extends Comparable<? super T>> RuleLimits with(
      RuleLimits limits, RuleLimit<T> limit, JsonParser p, DeserializationContext ctxt)
      throws IOException {
    T value;
    try {
      value = ctxt.readValue(p, limit.type());
    } catch (JsonMappingException e) {
      throw JsonMappingException.wrapWithPath(e, RuleLimits.class, limit.key());
    }
    try {
      return limits.with(limit, value);
    } catch (IllegalArgumentException e) {
      // "memory_pages: must be between 1 and 65536, not 0": the loader reports it at that key.
      throw ValueInstantiationException.from(
          p, e.getMessage(), ctxt.constructType(RuleLimits.class), e);
    }
  }
}
