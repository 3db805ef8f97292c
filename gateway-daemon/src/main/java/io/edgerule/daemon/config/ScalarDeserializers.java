package io.edgerule.daemon.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import io.edgerule.adapter.DurationText;
import io.edgerule.adapter.SizeText;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The config's scalar types bound through the project's one parser per grammar ({@link
 * DurationText}, {@link SizeText}) and as plain file paths. A value they reject comes out as an
 * {@link InvalidFormatException} carrying the parser's own message, which {@link BindingErrors}
 * shows as it is.
 */
final class ScalarDeserializers {
  private ScalarDeserializers() {}

  /** Durations in the one grammar of {@link DurationText}. */
  static final class DurationDeserializer extends JsonDeserializer<Duration> {
    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String text = p.getValueAsString();
      if (text == null) {
        return (Duration) ctxt.handleUnexpectedToken(Duration.class, p);
      }
      try {
        return DurationText.parse(text);
      } catch (IllegalArgumentException e) {
        // The message is DurationText's own (not a duration / negative / too large): keep it.
        throw InvalidFormatException.from(p, e.getMessage(), text, Duration.class);
      }
    }
  }

  /** Sizes in the one grammar of {@link SizeText}; its message says what is wrong. */
  static final class ByteSizeDeserializer extends JsonDeserializer<ByteSize> {
    @Override
    public ByteSize deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (!p.currentToken().isScalarValue()) {
        return (ByteSize) ctxt.handleUnexpectedToken(ByteSize.class, p);
      }
      String text = p.getText(); // max_bytes: 4096 is a size too
      try {
        return new ByteSize(SizeText.parse(text));
      } catch (IllegalArgumentException e) {
        throw InvalidFormatException.from(p, e.getMessage(), text, ByteSize.class);
      }
    }
  }

  /**
   * Paths are file paths. Jackson's own deserializer read any text with a ':' as a URI and looked
   * for a file system provider: "c:/state" failed with 'Provider "c" not installed',
   * "jar:file:/x.zip!/a" with a FileSystemNotFoundException, and a NUL byte with an
   * InvalidPathException reported as "invalid YAML".
   */
  static final class PathDeserializer extends JsonDeserializer<Path> {
    @Override
    public Path deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (!p.currentToken().isScalarValue()) {
        return (Path) ctxt.handleUnexpectedToken(Path.class, p);
      }
      String text = p.getText(); // state_dir: 2024 is a folder name too
      try {
        return Path.of(text);
      } catch (InvalidPathException e) {
        throw InvalidFormatException.from(
            p, "'" + text + "' is not a valid path: " + e.getReason(), text, Path.class);
      }
    }
  }
}
