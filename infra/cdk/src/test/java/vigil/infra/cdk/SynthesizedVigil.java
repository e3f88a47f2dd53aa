package vigil.infra.cdk;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.assertions.Template;

/**
 * The app synthesized in-process (no CDK CLI, no network; the jsii runtime uses the machine's Node), once per JVM
 * per context, shared by the test classes: a synthesis takes seconds, an assertion microseconds.
 */
final class SynthesizedVigil {
    private static final Map<Map<String, Object>, SynthesizedVigil> CACHE = new LinkedHashMap<>();

    final VigilStack stack;
    final Template template;
    final Map<String, Object> json;

    private SynthesizedVigil(Map<String, Object> context) {
        App app = new App(AppProps.builder().context(context).build());
        stack = VigilApp.createStack(app);
        template = Template.fromStack(stack);
        json = template.toJSON();
    }

    /** The stack with the defaults of cdk.json. */
    static SynthesizedVigil defaults() {
        return with(Map.of());
    }

    static synchronized SynthesizedVigil with(Map<String, Object> context) {
        return CACHE.computeIfAbsent(context, SynthesizedVigil::new);
    }

    /** Resources of one CloudFormation type, by logical id. */
    Map<String, Map<String, Object>> resources(String type) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : map(json.get("Resources")).entrySet()) {
            Map<String, Object> resource = map(e.getValue());
            if (type.equals(resource.get("Type"))) {
                out.put(e.getKey(), resource);
            }
        }
        return out;
    }

    static Map<String, Object> properties(Map<String, Object> resource) {
        return map(resource.get("Properties"));
    }

    @SuppressWarnings("unchecked") // template JSON: objects are String-keyed maps
    static Map<String, Object> map(Object value) {
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map)) {
            throw new AssertionError("expected a JSON object, got " + value);
        }
        return (Map<String, Object>) value;
    }

    /** A JSON value that may be one item or a list of items, as a list (IAM allows both for Action, Resource). */
    static List<Object> list(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> l) {
            return new ArrayList<>(l);
        }
        return List.of(value);
    }
}
