package org.jckpool.webapi.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.time.Instant;

/** The web API's JSON mapper: records as objects, instants as Unix seconds (what ckpool's stats use). */
final class ApiJson {

    static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new SimpleModule("jckpool-webapi").addSerializer(Instant.class, new EpochSeconds()))
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private ApiJson() {
    }

    private static final class EpochSeconds extends JsonSerializer<Instant> {
        @Override
        public void serialize(Instant value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeNumber(value.getEpochSecond());
        }
    }
}
