package vigil.infra.cdk;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.elasticloadbalancingv2.HttpCodeElb;
import software.amazon.awscdk.services.elasticloadbalancingv2.HttpCodeTarget;
import software.amazon.awscdk.services.logs.FilterPattern;
import software.amazon.awscdk.services.logs.MetricFilter;
import software.amazon.awscdk.services.logs.MetricFilterOptions;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.constructs.Construct;
import vigil.schema.Tables;

/**
 * The alarms, all publishing to one KMS-encrypted SNS topic:
 * <ul>
 *   <li>{@code consumer-behind}: GetRecords iterator age above 60 s for 5 minutes. This is the stream-side measure of
 *       KCL's {@code MillisBehindLatest} (KCL's own CloudWatch metrics are off in Vigil).</li>
 *   <li>{@code quarantine-growth}: write units on the quarantine table above {@code quarantineWritesPer5Min}, i.e.
 *       devices sending records the decoder rejects.</li>
 *   <li>{@code consumer-errors}: ERROR lines in the consumer log (a metric filter on the log group).</li>
 *   <li>{@code api-5xx}, {@code api-lb-5xx}: 5xx answers of the API tasks, or of the load balancer itself (e.g. no
 *       healthy task).</li>
 * </ul>
 */
final class OperationalAlarms extends Construct {
    static final String METRIC_NAMESPACE = "Vigil";
    static final String CONSUMER_ERRORS_METRIC = "ConsumerErrors";

    final Topic topic;

    OperationalAlarms(Construct scope, String id, DeploymentSettings settings, EncryptionKeys keys, DataStores stores,
            ConsumerService consumer, DashboardService dashboard) {
        super(scope, id);
        topic = Topic.Builder.create(this, "Topic")
                .topicName(settings.prefix() + "alarms")
                .masterKey(keys.ops)
                .enforceSsl(true)
                .build();
        if (settings.alarmEmail() != null) {
            topic.addSubscription(new EmailSubscription(settings.alarmEmail()));
        }
        String p = settings.prefix();

        alarm("ConsumerBehind", p + "consumer-behind",
                "Consumers are more than 60 s behind the newest telemetry (GetRecords iterator age): alerts are late",
                ConsumerService.iteratorAge(stores, Duration.minutes(1)), 60_000, 5);

        alarm("QuarantineGrowth", p + "quarantine-growth",
                "Many records rejected into the quarantine table: a device or gateway sends malformed telemetry",
                stores.tables.get(Tables.QUARANTINE.baseName()).metricConsumedWriteCapacityUnits(
                        MetricOptions.builder().statistic("Sum").period(Duration.minutes(5)).build()),
                settings.quarantineWritesPer5Min(), 1);

        // Logback's layout in the image: "yyyy-MM-dd HH:mm:ss.SSS LEVEL [thread] logger - message".
        MetricFilter errors = consumer.logGroup.addMetricFilter("ErrorLines", MetricFilterOptions.builder()
                .filterPattern(FilterPattern.spaceDelimited("date", "time", "level", "...")
                        .whereString("level", "=", "ERROR"))
                .metricNamespace(METRIC_NAMESPACE)
                .metricName(CONSUMER_ERRORS_METRIC)
                .metricValue("1")
                .defaultValue(0)
                .build());
        alarm("ConsumerErrors", p + "consumer-errors", "The consumer logged errors",
                errors.metric(MetricOptions.builder().statistic("Sum").period(Duration.minutes(5)).build()), 0, 1);

        MetricOptions fiveMinuteSum = MetricOptions.builder().statistic("Sum").period(Duration.minutes(5)).build();
        alarm("ApiTarget5xx", p + "api-5xx", "The dashboard API answered 5xx",
                dashboard.loadBalancer.getMetrics().httpCodeTarget(HttpCodeTarget.TARGET_5XX_COUNT, fiveMinuteSum),
                5, 1);
        alarm("ApiLoadBalancer5xx", p + "api-lb-5xx",
                "The load balancer answered 5xx (no healthy API task, or TLS/connection failures)",
                dashboard.loadBalancer.getMetrics().httpCodeElb(HttpCodeElb.ELB_5XX_COUNT, fiveMinuteSum), 5, 1);
    }

    private void alarm(String id, String name, String description, IMetric metric, double threshold,
            int evaluationPeriods) {
        Alarm alarm = Alarm.Builder.create(this, id)
                .alarmName(name)
                .alarmDescription(description)
                .metric(metric)
                .threshold(threshold)
                .evaluationPeriods(evaluationPeriods)
                .datapointsToAlarm(evaluationPeriods)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
        alarm.addAlarmAction(new SnsAction(topic));
        alarm.addOkAction(new SnsAction(topic));
    }
}
