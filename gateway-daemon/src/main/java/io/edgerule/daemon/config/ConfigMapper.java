package io.edgerule.daemon.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.edgerule.adapter.AdapterFactory;
import io.edgerule.adapter.DeviceConfig;
import io.edgerule.sandbox.RuleLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The strict YAML binding of the config: snake_case keys, unknown keys and empty entries are
 * errors, no silent coercion, the config's own scalar types, and a device's {@code protocol:}
 * choosing the adapter's config record.
 */
final class ConfigMapper {
  private ConfigMapper() {}

  /** A mapper that binds devices of the given adapter factories' protocols. */
  static YAMLMapper create(List<AdapterFactory<?>> factories) {
    YAMLMapper mapper = new YAMLMapper();
    mapper.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    mapper.enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS);
    mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    mapper.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    mapper.enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);
    mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    mapper.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature());
    mapper.disable(MapperFeature.ALLOW_COERCION_OF_SCALARS);
    // Without this "batch_size: 1.5" silently became 1.
    mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    // "- " with nothing after it in any list, or "key:" with nothing in a map, is an error at
    // that entry (records would otherwise get null elements; List.copyOf throws a bare NPE).
    mapper.configOverride(List.class).setSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL));
    mapper.configOverride(Map.class).setSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL));
    SimpleModule module = new SimpleModule("edgerule-config");
    module.addDeserializer(Duration.class, new ScalarDeserializers.DurationDeserializer());
    module.addDeserializer(Path.class, new ScalarDeserializers.PathDeserializer());
    module.addDeserializer(ByteSize.class, new ScalarDeserializers.ByteSizeDeserializer());
    module.addDeserializer(RuleLimits.class, new RuleLimitsDeserializer());
    mapper.registerModule(module);
    mapper.addMixIn(DeviceConfig.class, DeviceConfigMixin.class);
    for (AdapterFactory<?> factory : factories) {
      mapper.registerSubtypes(new NamedType(factory.configType(), factory.protocol()));
    }
    return mapper;
  }

  @JsonTypeInfo(
      use = JsonTypeInfo.Id.NAME,
      include = JsonTypeInfo.As.PROPERTY,
      property = "protocol")
  // The gateway's own keys in a device entry: read by DeviceTelemetry, unknown to the adapters.
  @JsonIgnoreProperties({"telemetry", "telemetry_window"})
  private abstract static class DeviceConfigMixin {}
}
