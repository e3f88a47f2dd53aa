package vigil.infra.cdk;

import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;

/**
 * Entry point of the CDK app ({@code cdk synth}, {@code cdk deploy}; see docs/deploy.md). Settings come from CDK
 * context ({@code -c vigil:shardCount=4}); account and region from the CDK CLI's environment.
 */
public final class VigilApp {
    private VigilApp() {}

    public static void main(String[] args) {
        App app = new App();
        createStack(app);
        app.synth();
    }

    /** Builds the stack into {@code app} with the settings of the app's context. */
    static VigilStack createStack(App app) {
        DeploymentSettings settings = DeploymentSettings.fromContext(key -> app.getNode().tryGetContext(key));
        String account = System.getenv("CDK_DEFAULT_ACCOUNT");
        String region = System.getenv("CDK_DEFAULT_REGION");
        StackProps.Builder props = StackProps.builder()
                .description("Vigil: infusion pump and dialysis telemetry (stream, consumer, dashboard API)");
        if (account != null && region != null) {
            props.env(Environment.builder().account(account).region(region).build());
        }
        String stackName = app.getNode().tryGetContext("vigil:stackName") instanceof String name ? name : "Vigil";
        return new VigilStack(app, stackName, props.build(), settings);
    }
}
