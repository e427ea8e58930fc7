package io.accrue.usage.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Each format's usage object (as the provider documents it) mapped to Accrue's dimensions. */
class ProviderUsageTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // format | usage object | input, output, cacheRead, write5m, write1h, audioIn, audioOut, imageIn, imageOut, reasoning
            "openai.chat|{\"prompt_tokens\":2006,\"completion_tokens\":300,\"total_tokens\":2306,\"prompt_tokens_details\":{\"cached_tokens\":1920,\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":192,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}|2006,300,1920,0,0,0,0,0,0,192",
            "openai.chat audio|{\"prompt_tokens\":500,\"completion_tokens\":900,\"prompt_tokens_details\":{\"audio_tokens\":400},\"completion_tokens_details\":{\"audio_tokens\":850}}|500,900,0,0,0,400,850,0,0,0",
            "openai.responses|{\"input_tokens\":328,\"input_tokens_details\":{\"cached_tokens\":128},\"output_tokens\":52,\"output_tokens_details\":{\"reasoning_tokens\":20},\"total_tokens\":380}|328,52,128,0,0,0,0,0,0,20",
            "openai.responses realtime|{\"total_tokens\":1500,\"input_tokens\":1000,\"output_tokens\":500,\"input_token_details\":{\"cached_tokens\":100,\"text_tokens\":300,\"audio_tokens\":700},\"output_token_details\":{\"text_tokens\":100,\"audio_tokens\":400}}|1000,500,100,0,0,700,400,0,0,0",
            "anthropic.messages|{\"input_tokens\":10,\"cache_creation_input_tokens\":3000,\"cache_read_input_tokens\":50000,\"output_tokens\":800,\"service_tier\":\"standard\"}|53010,800,50000,3000,0,0,0,0,0,0",
            "anthropic.messages 1h|{\"input_tokens\":5,\"cache_creation_input_tokens\":2500,\"cache_read_input_tokens\":0,\"cache_creation\":{\"ephemeral_5m_input_tokens\":500,\"ephemeral_1h_input_tokens\":2000},\"output_tokens\":40}|2505,40,0,500,2000,0,0,0,0,0",
            "gemini|{\"promptTokenCount\":1200,\"candidatesTokenCount\":300,\"thoughtsTokenCount\":700,\"cachedContentTokenCount\":1000,\"totalTokenCount\":2200,\"promptTokensDetails\":[{\"modality\":\"TEXT\",\"tokenCount\":900},{\"modality\":\"AUDIO\",\"tokenCount\":300}]}|1200,1000,1000,0,0,300,0,0,0,700",
            "gemini tool prompt|{\"promptTokenCount\":100,\"toolUsePromptTokenCount\":50,\"candidatesTokenCount\":10,\"totalTokenCount\":160,\"candidatesTokensDetails\":[{\"modality\":\"IMAGE\",\"tokenCount\":8}]}|150,10,0,0,0,0,0,0,8,0",
            "litellm|{\"prompt_tokens\":53010,\"completion_tokens\":800,\"total_tokens\":53810,\"prompt_tokens_details\":{\"cached_tokens\":50000},\"cache_creation_input_tokens\":3000,\"cache_read_input_tokens\":50000}|53010,800,50000,3000,0,0,0,0,0,0",
            "litellm 1h|{\"prompt_tokens\":2505,\"completion_tokens\":40,\"cache_creation_input_tokens\":2500,\"cache_creation_token_details\":{\"ephemeral_5m_input_tokens\":500,\"ephemeral_1h_input_tokens\":2000},\"completion_tokens_details\":{\"reasoning_tokens\":30}}|2505,40,0,500,2000,0,0,0,0,30",
    })
    void mapsExactly(String name, String usage, String expected) throws Exception {
        String format = name.split(" ")[0];
        ProviderUsage.Parts p = ProviderUsage.map(format, JSON.readTree(usage));
        assertEquals(expected, p.input() + "," + p.output() + "," + p.cacheRead() + "," + p.cacheWrite() + ","
                + p.cacheWrite1h() + "," + p.audioInput() + "," + p.audioOutput() + "," + p.imageInput() + ","
                + p.imageOutput() + "," + p.reasoning());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no format|null|{\"prompt_tokens\":1}|usage_format_required",
            "unknown format|openai.legacy|{\"prompt_tokens\":1}|usage_format_unknown",
            "not an object|openai.chat|[1]|usage_invalid",
            "negative count|openai.chat|{\"prompt_tokens\":-1}|usage_invalid",
            "fraction|gemini|{\"promptTokenCount\":1.5}|usage_invalid",
            "count as text|anthropic.messages|{\"input_tokens\":\"12\"}|usage_invalid",
            "total disagrees|openai.chat|{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":16}|usage_inconsistent",
            "split disagrees|anthropic.messages|{\"input_tokens\":1,\"cache_creation_input_tokens\":10,\"cache_creation\":{\"ephemeral_5m_input_tokens\":3,\"ephemeral_1h_input_tokens\":3}}|usage_inconsistent",
            "prompt text inside|litellm|{\"prompt_tokens\":1,\"messages\":[{\"content\":\"Summarise the attached board minutes for the CFO and draft a reply\"}]}|usage_invalid",
    })
    void refuses(String name, String format, String usage, String code) {
        ProviderUsage.Refused e = assertThrows(ProviderUsage.Refused.class,
                () -> ProviderUsage.map("null".equals(format) ? null : format, JSON.readTree(usage)));
        assertEquals(code, e.code, e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void anthropicWebSearchesAndServiceTier() throws Exception {
        ProviderUsage.Parts p = ProviderUsage.map("anthropic.messages", JSON.readTree(
                "{\"input_tokens\":100,\"output_tokens\":5,\"server_tool_use\":{\"web_search_requests\":3},\"service_tier\":\"priority\"}"));
        assertEquals(Map.of("web_search_medium", 3L), p.units());
        assertEquals("priority", p.serviceTier());
    }
}
