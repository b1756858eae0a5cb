package dev.vigil.risk.detect;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Compact binary (CBOR) encoding of baselines. Baselines are plain classes with fields; unknown
 * fields are ignored on read so a baseline can gain fields without a migration. A double that a
 * 32-bit float holds exactly (0, 0.5, small integers...) is written as one (5 bytes instead of 9);
 * it reads back as the same double.
 */
public final class BaselineCodec {

  private static final ObjectMapper MAPPER =
      CBORMapper.builder()
          .visibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
          .visibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .defaultPropertyInclusion(
              JsonInclude.Value.construct(
                  JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
          .enable(CBORGenerator.Feature.WRITE_MINIMAL_DOUBLES)
          .findAndAddModules()
          .build();

  /** Readers and writers bound to one class, so a call skips the mapper's type lookups. */
  private static final ClassValue<ObjectReader> READERS =
      new ClassValue<>() {
        @Override
        protected ObjectReader computeValue(Class<?> type) {
          return MAPPER.readerFor(type);
        }
      };

  private static final ClassValue<ObjectWriter> WRITERS =
      new ClassValue<>() {
        @Override
        protected ObjectWriter computeValue(Class<?> type) {
          return MAPPER.writerFor(type);
        }
      };

  private BaselineCodec() {}

  /** Encodes a baseline. */
  public static byte[] encode(Object baseline) {
    try {
      return WRITERS.get(baseline.getClass()).writeValueAsBytes(baseline);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not encode " + baseline.getClass().getSimpleName(), e);
    }
  }

  /** Decodes a baseline of the given class. */
  public static <S> S decode(byte[] bytes, Class<S> type) {
    try {
      return READERS.get(type).readValue(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not decode " + type.getSimpleName(), e);
    }
  }
}
