package io.confwatch.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.LintResult;
import io.confwatch.config.Shard;
import io.confwatch.config.WorkerConfig;
import io.confwatch.metrics.ConfWatchMetrics.ReloadOutcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Helm chart, linted and rendered by Helm itself with the default values, with every feature on
 * ({@code ci/all-features-values.yaml}) and with production-style external Secrets; the manifests are checked against
 * Kubernetes' schema and against what DESIGN §7b and the worker need.
 */
class HelmChartTest {
    private static final String ALL_FEATURES = "ci/all-features-values.yaml";
    private static final String EXISTING_SECRETS = "ci/existing-secrets-values.yaml";
    private static final String FULLNAME = "confwatch";
    private static final Pattern VALUES_KEY = Pattern.compile("^(\\s*)([A-Za-z0-9_.-]+):(.*)$");

    @TempDir
    static Path scratch;

    private static final Map<String, List<JsonNode>> RENDERED = new ConcurrentHashMap<>();

    static List<String> valuesFiles() {
        return HelmChart.valuesFiles();
    }

    private static List<JsonNode> rendered(String valuesFile) {
        return RENDERED.computeIfAbsent(valuesFile, file -> HelmChart.render(file, Map.of(), scratch));
    }

    private static JsonNode manifest(String valuesFile, String kind, String name) {
        return HelmChart.find(rendered(valuesFile), kind, name)
                .orElseThrow(
                        () -> new AssertionError("no " + kind + " " + name + " rendered with '" + valuesFile + "'"));
    }

    private static JsonNode workload(String valuesFile) {
        return HelmChart.find(rendered(valuesFile), "Deployment", FULLNAME)
                .or(() -> HelmChart.find(rendered(valuesFile), "StatefulSet", FULLNAME))
                .orElseThrow();
    }

    private static JsonNode container(JsonNode podOwner, String name) {
        for (JsonNode container :
                podOwner.path("spec").path("template").path("spec").path("containers")) {
            if (container.path("name").asText().equals(name)) {
                return container;
            }
        }
        throw new AssertionError("no container " + name);
    }

    private static JsonNode env(JsonNode container, String name) {
        for (JsonNode variable : container.path("env")) {
            if (variable.path("name").asText().equals(name)) {
                return variable;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    @ParameterizedTest
    @MethodSource("valuesFiles")
    void lint_strict_isClean(String valuesFile) throws IOException {
        LintResult lint = HelmChart.lint(valuesFile, Files.createTempDirectory(scratch, "lint"));

        assertThat(lint.isFailed())
                .as("helm lint --strict: %s", lint.getMessages())
                .isFalse();
        // Only the optional-icon note is left.
        assertThat(lint.getMessages()).allMatch(message -> message.startsWith("[INFO]"));
    }

    @ParameterizedTest
    @MethodSource("valuesFiles")
    void template_everyManifest_matchesTheKubernetesSchema(String valuesFile) {
        List<JsonNode> manifests = rendered(valuesFile);

        assertThat(manifests).hasSizeGreaterThanOrEqualTo(6);
        manifests.forEach(KubernetesSchemas::validate);
    }

    @Test
    void template_defaults_deploymentOfEveryTenantAndNoOptionalExtras() {
        List<String> kinds = rendered("").stream()
                .map(m -> m.path("kind").asText() + "/"
                        + m.path("metadata").path("name").asText())
                .toList();

        assertThat(kinds)
                .containsExactlyInAnyOrder(
                        "Deployment/confwatch",
                        "Service/confwatch",
                        "Service/confwatch-headless",
                        "ServiceAccount/confwatch",
                        "PodDisruptionBudget/confwatch",
                        "Job/confwatch-migrate");
        assertThat(env(container(workload(""), "confwatch"), "CONFWATCH_SHARD").isMissingNode())
                .isTrue();
    }

    @ParameterizedTest
    @MethodSource("valuesFiles")
    void template_worker_probesOnLivezAndReadyzAndAStartupProbeForTheInitialLoad(String valuesFile) {
        JsonNode worker = container(workload(valuesFile), "confwatch");
        int port = WorkerConfig.defaults().http().port();

        assertThat(worker.path("args").toString()).isEqualTo("[\"serve\"]");
        assertThat(worker.path("ports").get(0).path("name").asText()).isEqualTo("http");
        assertThat(worker.path("ports").get(0).path("containerPort").asInt()).isEqualTo(port);
        assertThat(env(worker, "CONFWATCH_HTTP_PORT").path("value").asText()).isEqualTo(Integer.toString(port));
        assertThat(worker.path("livenessProbe").path("httpGet").path("path").asText())
                .isEqualTo("/livez");
        assertThat(worker.path("readinessProbe").path("httpGet").path("path").asText())
                .isEqualTo("/readyz");
        JsonNode startup = worker.path("startupProbe");
        assertThat(startup.path("httpGet").path("path").asText()).isEqualTo("/readyz");
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            assertThat(worker.path(probe).path("httpGet").path("port").asText())
                    .as(probe)
                    .isEqualTo("http");
        }
        // A big initial load gets minutes before liveness may restart the pod.
        assertThat(startup.path("periodSeconds").asInt()
                        * startup.path("failureThreshold").asInt())
                .isGreaterThanOrEqualTo(600);
        assertThat(worker.path("resources").path("limits").path("memory").asText())
                .isNotEmpty();
        assertThat(worker.path("resources").path("requests").path("cpu").asText())
                .isNotEmpty();
    }

    @ParameterizedTest
    @MethodSource("valuesFiles")
    void template_everyPod_restrictedSecurityContextWithAWritableTmpOnly(String valuesFile) {
        String imageUser = DockerfileTest.Instruction.parse(DockerfileTest.read("Dockerfile")).stream()
                .filter(instruction -> instruction.keyword().equals("USER"))
                .findFirst()
                .orElseThrow()
                .arguments()
                .split(":")[0];
        List<JsonNode> podOwners = List.of(workload(valuesFile), manifest(valuesFile, "Job", FULLNAME + "-migrate"));

        for (JsonNode owner : podOwners) {
            JsonNode pod = owner.path("spec").path("template").path("spec");
            String what = owner.path("kind").asText();
            assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean())
                    .as(what)
                    .isTrue();
            assertThat(pod.path("securityContext").path("runAsUser").asText())
                    .as(what)
                    .isEqualTo(imageUser);
            assertThat(pod.path("securityContext")
                            .path("seccompProfile")
                            .path("type")
                            .asText())
                    .as(what)
                    .isEqualTo("RuntimeDefault");
            assertThat(pod.path("enableServiceLinks").asBoolean(true)).as(what).isFalse();
            assertThat(pod.path("automountServiceAccountToken").asBoolean(true))
                    .as(what)
                    .isFalse();
            assertThat(pod.path("volumes").toString()).contains("\"name\":\"tmp\"", "\"emptyDir\"");
            for (JsonNode container : pod.path("containers")) {
                JsonNode security = container.path("securityContext");
                assertThat(security.path("allowPrivilegeEscalation").asBoolean(true))
                        .as(what)
                        .isFalse();
                assertThat(security.path("readOnlyRootFilesystem").asBoolean())
                        .as(what)
                        .isTrue();
                assertThat(security.path("runAsNonRoot").asBoolean()).as(what).isTrue();
                assertThat(security.path("capabilities").path("drop").toString())
                        .as(what)
                        .isEqualTo("[\"ALL\"]");
                assertThat(security.path("capabilities").has("add")).as(what).isFalse();
                assertThat(security.path("seccompProfile").path("type").asText())
                        .as(what)
                        .isEqualTo("RuntimeDefault");
                // /tmp is the one writable mount; the TLS files from Secrets are mounted read-only.
                assertThat(container.path("volumeMounts").get(0).toString())
                        .as(what)
                        .isEqualTo("{\"name\":\"tmp\",\"mountPath\":\"/tmp\"}");
                for (int i = 1; i < container.path("volumeMounts").size(); i++) {
                    JsonNode mount = container.path("volumeMounts").get(i);
                    assertThat(mount.path("readOnly").asBoolean())
                            .as(what + " " + mount)
                            .isTrue();
                    assertThat(mount.path("mountPath").asText()).as(what).startsWith("/etc/confwatch/tls/");
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("valuesFiles")
    void template_workerEnvironment_isAValidWorkerConfiguration(String valuesFile) {
        JsonNode workload = workload(valuesFile);
        Map<String, String> env = environment(container(workload, "confwatch"), workload);

        WorkerConfig config = WorkerConfig.fromEnv(env);

        assertThat(config.isEmbedded()).isFalse();
        assertThat(config.http().port()).isEqualTo(8080);
        if (workload.path("kind").asText().equals("StatefulSet")) {
            int replicas = workload.path("spec").path("replicas").asInt();
            assertThat(config.shard()).isEqualTo(new Shard(replicas - 1, replicas));
        } else {
            assertThat(config.shard()).isEqualTo(Shard.NONE);
        }
        // The migration Job's environment is read by the same code (`migrate`).
        JsonNode job = manifest(valuesFile, "Job", FULLNAME + "-migrate");
        WorkerConfig migrate = WorkerConfig.fromEnv(environment(container(job, "migrate"), job));
        assertThat(migrate.database().orElseThrow().user()).isEqualTo("confwatch_migrator");
    }

    @Test
    void template_sharded_statefulSetGovernedByTheHeadlessServiceWithShardCountAndPodName() {
        JsonNode statefulSet = manifest(ALL_FEATURES, "StatefulSet", FULLNAME);
        JsonNode worker = container(statefulSet, "confwatch");
        JsonNode headless = manifest(ALL_FEATURES, "Service", FULLNAME + "-headless");

        assertThat(statefulSet.path("spec").path("replicas").asInt()).isEqualTo(3);
        assertThat(env(worker, "CONFWATCH_SHARD").path("value").asText()).isEqualTo("3");
        assertThat(env(worker, "CONFWATCH_SHARD_SCHEME").path("value").asText()).isEqualTo("slots");
        assertThat(env(worker, "CONFWATCH_POD_NAME")
                        .path("valueFrom")
                        .path("fieldRef")
                        .path("fieldPath")
                        .asText())
                .isEqualTo("metadata.name");
        assertThat(statefulSet.path("spec").path("serviceName").asText())
                .isEqualTo(headless.path("metadata").path("name").asText());
        assertThat(headless.path("spec").path("clusterIP").asText()).isEqualTo("None");
        assertThat(HelmChart.find(rendered(ALL_FEATURES), "Deployment", FULLNAME))
                .isEmpty();
    }

    @Test
    void template_chartMadeSecrets_referencedByNameAndKeyThatExist() {
        JsonNode worker = container(workload(ALL_FEATURES), "confwatch");
        JsonNode secret = manifest(ALL_FEATURES, "Secret", FULLNAME);
        JsonNode job = manifest(ALL_FEATURES, "Job", FULLNAME + "-migrate");
        JsonNode migratorSecret = manifest(ALL_FEATURES, "Secret", FULLNAME + "-migrator");

        assertSecretRef(env(worker, "PGPASSWORD"), FULLNAME, "pgpassword");
        assertSecretRef(env(worker, "CONFWATCH_ADMIN_TOKEN"), FULLNAME, "admin-token");
        assertThat(secret.path("data").has("pgpassword")).isTrue();
        assertThat(secret.path("data").has("admin-token")).isTrue();
        assertSecretRef(env(container(job, "migrate"), "PGPASSWORD"), FULLNAME + "-migrator", "password");
        assertThat(migratorSecret.path("data").has("password")).isTrue();
        // The migrator's Secret is a hook too, made before the Job that reads it.
        assertThat(hookWeight(migratorSecret)).isLessThan(hookWeight(job));
        assertThat(migratorSecret
                        .path("metadata")
                        .path("annotations")
                        .path("helm.sh/hook")
                        .asText())
                .isEqualTo("pre-install,pre-upgrade");
        // A changed chart-made Secret rolls the pods.
        assertThat(workload(ALL_FEATURES)
                        .path("spec")
                        .path("template")
                        .path("metadata")
                        .path("annotations")
                        .path("checksum/secret")
                        .asText())
                .hasSize(64);
    }

    @Test
    void template_existingSecrets_referencedAndNoSecretMadeByTheChart() {
        JsonNode worker = container(workload(EXISTING_SECRETS), "confwatch");
        JsonNode job = manifest(EXISTING_SECRETS, "Job", FULLNAME + "-migrate");

        assertSecretRef(env(worker, "PGPASSWORD"), "confwatch-db", "worker-password");
        assertSecretRef(env(worker, "CONFWATCH_ADMIN_TOKEN"), "confwatch-admin", "token");
        assertSecretRef(env(container(job, "migrate"), "PGPASSWORD"), "confwatch-db", "migrator-password");
        assertThat(rendered(EXISTING_SECRETS))
                .noneMatch(m -> m.path("kind").asText().equals("Secret"));
        // No secret value ever appears in plain env.
        assertThat(worker.path("env").toString()).doesNotContain("password\",\"value\"");
    }

    @Test
    void template_tlsFromSecrets_caBundleAndClientCertificatesMountedAndSetAsPgSslVariables() {
        JsonNode workload = workload(EXISTING_SECRETS);
        JsonNode worker = container(workload, "confwatch");
        JsonNode job = manifest(EXISTING_SECRETS, "Job", FULLNAME + "-migrate");
        JsonNode migrate = container(job, "migrate");

        for (JsonNode container : List.of(worker, migrate)) {
            assertThat(env(container, "PGSSLMODE").path("value").asText()).isEqualTo("verify-full");
            assertThat(env(container, "PGSSLROOTCERT").path("value").asText())
                    .isEqualTo("/etc/confwatch/tls/ca/ca.crt");
            assertThat(env(container, "PGSSLCERT").path("value").asText())
                    .isEqualTo("/etc/confwatch/tls/client/tls.crt");
            assertThat(env(container, "PGSSLKEY").path("value").asText())
                    .isEqualTo("/etc/confwatch/tls/client/tls.key");
        }
        assertThat(volume(workload, "tls-ca").path("secret").toString())
                .isEqualTo("{\"secretName\":\"confwatch-db-ca\",\"defaultMode\":292,"
                        + "\"items\":[{\"key\":\"ca.crt\",\"path\":\"ca.crt\"}]}");
        assertThat(volume(workload, "tls-client").path("secret").toString())
                .isEqualTo("{\"secretName\":\"confwatch-worker-tls\",\"defaultMode\":288,\"items\":["
                        + "{\"key\":\"tls.crt\",\"path\":\"tls.crt\"},{\"key\":\"tls.key\",\"path\":\"tls.key\"}]}");
        assertThat(volume(job, "tls-ca").path("secret").path("secretName").asText())
                .isEqualTo("confwatch-db-ca");
        assertThat(volume(job, "tls-client").path("secret").path("secretName").asText())
                .isEqualTo("confwatch-migrator-tls");
    }

    @Test
    void template_defaults_requireWithoutTlsFiles() {
        JsonNode workload = workload("");
        JsonNode worker = container(workload, "confwatch");

        assertThat(env(worker, "PGSSLMODE").path("value").asText()).isEqualTo("require");
        assertThat(env(worker, "PGSSLROOTCERT").isMissingNode()).isTrue();
        assertThat(env(worker, "PGSSLCERT").isMissingNode()).isTrue();
        assertThat(volume(workload, "tls-ca").isMissingNode()).isTrue();
    }

    @Test
    void values_badTlsValues_rejectedByTheSchema() {
        assertThatThrownBy(() -> HelmChart.render("", Map.of("database.tls.caFile", "/ca.pem"), scratch))
                .hasMessageContaining("caFile");
        assertThatThrownBy(() -> HelmChart.render("", Map.of("database.tls.caSecret", "Not A Name"), scratch))
                .hasMessageContaining("caSecret");
    }

    @Test
    void template_migrations_preInstallAndPreUpgradeHookJobRunningMigrate() {
        JsonNode job = manifest("", "Job", FULLNAME + "-migrate");
        JsonNode annotations = job.path("metadata").path("annotations");
        JsonNode migrate = container(job, "migrate");

        assertThat(annotations.path("helm.sh/hook").asText()).isEqualTo("pre-install,pre-upgrade");
        assertThat(annotations.path("helm.sh/hook-delete-policy").asText()).isEqualTo("before-hook-creation");
        assertThat(migrate.path("args").toString()).isEqualTo("[\"migrate\"]");
        assertThat(migrate.path("image").asText())
                .isEqualTo(container(workload(""), "confwatch").path("image").asText());
        assertThat(env(migrate, "PGUSER").path("value").asText())
                .isNotEqualTo(env(container(workload(""), "confwatch"), "PGUSER")
                        .path("value")
                        .asText());
        assertThat(job.path("spec")
                        .path("template")
                        .path("spec")
                        .path("restartPolicy")
                        .asText())
                .isEqualTo("Never");
        assertThat(job.path("spec").path("backoffLimit").isInt()).isTrue();
        assertThat(job.path("spec").path("activeDeadlineSeconds").asInt()).isPositive();
    }

    @Test
    void template_migrationsOff_noJob() {
        List<JsonNode> manifests = HelmChart.render("", Map.of("migrations.enabled", false), scratch);

        assertThat(manifests).noneMatch(m -> m.path("kind").asText().equals("Job"));
    }

    @ParameterizedTest
    @MethodSource("valuesFiles")
    void template_podDisruptionBudget_selectsTheWorkerPods(String valuesFile) {
        JsonNode pdb = manifest(valuesFile, "PodDisruptionBudget", FULLNAME);
        JsonNode podLabels = workload(valuesFile)
                .path("spec")
                .path("template")
                .path("metadata")
                .path("labels");

        assertThat(pdb.path("spec").path("maxUnavailable").asInt()).isEqualTo(1);
        pdb.path("spec").path("selector").path("matchLabels").fields().forEachRemaining(label -> assertThat(
                        podLabels.path(label.getKey()).asText())
                .isEqualTo(label.getValue().asText()));
        assertThat(pdb.path("spec").path("selector").path("matchLabels").size()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void template_serviceMonitor_scrapesMetricsThroughTheLoadBalancedServiceOnly() {
        JsonNode monitor = manifest(ALL_FEATURES, "ServiceMonitor", FULLNAME);
        JsonNode selector = monitor.path("spec").path("selector").path("matchLabels");
        JsonNode endpoint = monitor.path("spec").path("endpoints").get(0);

        assertThat(selects(selector, manifest(ALL_FEATURES, "Service", FULLNAME)))
                .isTrue();
        assertThat(selects(selector, manifest(ALL_FEATURES, "Service", FULLNAME + "-headless")))
                .isFalse();
        assertThat(endpoint.path("port").asText()).isEqualTo("http");
        assertThat(endpoint.path("path").asText()).isEqualTo("/metrics");
        assertThat(monitor.path("metadata").path("labels").path("release").asText())
                .isEqualTo("kube-prometheus-stack");
    }

    @Test
    void template_prometheusRule_alertsOnTheContractMetrics() {
        Map<String, JsonNode> alerts = alerts();

        assertThat(alerts)
                .containsKeys(
                        "ConfWatchListenerDown",
                        "ConfWatchStaleTenants",
                        "ConfWatchReloadsFailing",
                        "ConfWatchPropagationSlow");
        String selector = "namespace=\"" + HelmChart.NAMESPACE + "\",job=\"" + FULLNAME + "\"";
        assertThat(expr(alerts, "ConfWatchListenerDown")).contains("confwatch_listener_up{" + selector + "}");
        assertThat(expr(alerts, "ConfWatchStaleTenants")).contains("confwatch_stale_tenants{" + selector + "}");
        assertThat(expr(alerts, "ConfWatchReloadsFailing"))
                .contains("confwatch_reloads_total{" + selector + ",outcome=\"failed\"}");
        assertThat(expr(alerts, "ConfWatchPropagationSlow"))
                .contains("histogram_quantile(0.99")
                .contains("confwatch_propagation_seconds_bucket{" + selector + "}");
        assertThat(ReloadOutcome.valueOf("failed".toUpperCase(Locale.ROOT))).isEqualTo(ReloadOutcome.FAILED);
        alerts.values().forEach(alert -> {
            assertThat(alert.path("labels").path("severity").asText()).isIn("info", "warning", "critical");
            assertThat(alert.path("labels").path("team").asText()).isEqualTo("platform");
            assertThat(alert.path("annotations").path("summary").asText()).isNotBlank();
            assertThat(alert.path("annotations").path("description").asText()).isNotBlank();
        });
    }

    @Test
    void template_prometheusRule_passesPromtoolWhereInstalled() throws Exception {
        JsonNode rule = manifest(ALL_FEATURES, "PrometheusRule", FULLNAME);
        Path rules = scratch.resolve("confwatch-rules.yaml");
        HelmChart.YAML.writeValue(rules.toFile(), rule.path("spec"));

        Promtool.Outcome outcome = Promtool.checkRules(rules);

        assertThat(outcome.exitCode())
                .as("promtool check rules:\n%s", outcome.output())
                .isZero();
        if (outcome.ran()) {
            assertThat(outcome.output()).contains("SUCCESS: " + alerts().size() + " rules found");
        }
    }

    @Test
    void template_prometheusRule_alertsFireInPromtoolUnitTestsWhereInstalled() throws Exception {
        JsonNode spec =
                manifest(ALL_FEATURES, "PrometheusRule", FULLNAME).path("spec").deepCopy();
        // The unit tests pin labels; annotation texts are left to `check rules` above.
        spec.findParents("annotations").forEach(rule -> ((ObjectNode) rule).remove("annotations"));
        Path directory = Files.createTempDirectory(scratch, "promtool");
        HelmChart.YAML.writeValue(directory.resolve("confwatch-rules.yaml").toFile(), spec);
        Path tests = directory.resolve("alerts-test.yaml");
        try (var in = HelmChartTest.class.getResourceAsStream("/deploy/alerts-test.yaml")) {
            Files.copy(in, tests);
        }

        Promtool.Outcome outcome = Promtool.testRules(tests);

        assertThat(outcome.exitCode())
                .as("promtool test rules:\n%s", outcome.output())
                .isZero();
        if (outcome.ran()) {
            assertThat(outcome.output()).contains("SUCCESS");
        }
        // Every alert the chart defines is exercised by the unit tests.
        String unitTests = Files.readString(tests);
        assertThat(alerts().keySet()).allSatisfy(alert -> assertThat(unitTests).contains("alertname: " + alert));
    }

    @Test
    void template_grafanaDashboard_configMapForTheSidecarWithTheDashboardJson() throws IOException {
        JsonNode configMap = manifest(ALL_FEATURES, "ConfigMap", FULLNAME + "-dashboard");
        JsonNode dashboard = new ObjectMapper()
                .readTree(configMap.path("data").path("confwatch.json").asText());

        assertThat(configMap
                        .path("metadata")
                        .path("labels")
                        .path("grafana_dashboard")
                        .asText())
                .isEqualTo("1");
        assertThat(dashboard.path("uid").asText()).isEqualTo("confwatch");
        assertThat(dashboard.path("panels").size()).isGreaterThan(10);
        assertThat(ChartMetrics.referencedIn(dashboard.toString()))
                .contains(
                        "confwatch_propagation_seconds_bucket",
                        "confwatch_reloads_total",
                        "confwatch_listener_up",
                        "confwatch_stale_tenants");
    }

    @Test
    void values_unknownKeyOrBadValue_rejectedByTheSchema() {
        assertThatThrownBy(() -> HelmChart.render("", Map.of("replicaCont", 3), scratch))
                .hasMessageContaining("replicaCont");
        assertThatThrownBy(() -> HelmChart.render("", Map.of("config.mode", "push"), scratch))
                .hasMessageContaining("mode");
        assertThatThrownBy(() -> HelmChart.render("", Map.of("config.sweepInterval", "30 seconds"), scratch))
                .hasMessageContaining("sweepInterval");
    }

    @Test
    void values_everyValue_isDocumented() throws IOException {
        List<String> lines = Files.readAllLines(HelmChart.DIRECTORY.resolve("values.yaml"));
        List<String> undocumented = new ArrayList<>();

        for (int i = 0; i < lines.size(); i++) {
            Matcher key = VALUES_KEY.matcher(lines.get(i));
            if (!key.matches()) {
                continue;
            }
            boolean isMapHeader = key.group(3).isBlank()
                    && i + 1 < lines.size()
                    && !lines.get(i + 1).strip().startsWith("- ");
            boolean isDocumented = key.group(3).contains("# ")
                    || (i > 0 && lines.get(i - 1).strip().startsWith("#"));
            if (!isMapHeader && !isDocumented) {
                undocumented.add(lines.get(i).strip());
            }
        }

        assertThat(undocumented).isEmpty();
    }

    @Test
    void chart_appVersion_isTheReleaseOfThePom() {
        JsonNode chart = HelmChart.readYaml(HelmChart.DIRECTORY.resolve("Chart.yaml"));

        assertThat(chart.path("appVersion").asText())
                .isEqualTo(PomFile.read().version().replace("-SNAPSHOT", ""));
        assertThat(container(workload(""), "confwatch").path("image").asText())
                .endsWith(":" + chart.path("appVersion").asText());
    }

    private static Map<String, JsonNode> alerts() {
        Map<String, JsonNode> alerts = new HashMap<>();
        for (JsonNode group :
                manifest(ALL_FEATURES, "PrometheusRule", FULLNAME).path("spec").path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                alerts.put(rule.path("alert").asText(), rule);
            }
        }
        return alerts;
    }

    private static String expr(Map<String, JsonNode> alerts, String alert) {
        return alerts.get(alert).path("expr").asText();
    }

    private static int hookWeight(JsonNode manifest) {
        return Integer.parseInt(manifest.path("metadata")
                .path("annotations")
                .path("helm.sh/hook-weight")
                .asText());
    }

    private static boolean selects(JsonNode matchLabels, JsonNode target) {
        JsonNode labels = target.path("metadata").path("labels");
        var matches = new boolean[] {true};
        matchLabels
                .fields()
                .forEachRemaining(label -> matches[0] &= labels.path(label.getKey())
                        .asText()
                        .equals(label.getValue().asText()));
        return matches[0];
    }

    private static void assertSecretRef(JsonNode variable, String secret, String key) {
        JsonNode ref = variable.path("valueFrom").path("secretKeyRef");
        assertThat(ref.path("name").asText())
                .as("%s secret", variable.path("name"))
                .isEqualTo(secret);
        assertThat(ref.path("key").asText()).as("%s key", variable.path("name")).isEqualTo(key);
        assertThat(variable.has("value")).isFalse();
    }

    /** The container's environment as the worker would see it: Secrets and field references filled in. */
    private static JsonNode volume(JsonNode owner, String name) {
        for (JsonNode volume : owner.path("spec").path("template").path("spec").path("volumes")) {
            if (volume.path("name").asText().equals(name)) {
                return volume;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    /**
     * A path the chart sets for a TLS file, checked to lie in one of the container's mounts, and replaced by a file of
     * the same name minted here, so the worker's start-up checks read real PEM files.
     */
    private static String mintedTlsFile(JsonNode container, String path) {
        boolean mounted = false;
        for (JsonNode mount : container.path("volumeMounts")) {
            mounted |= path.startsWith(mount.path("mountPath").asText() + "/");
        }
        assertThat(mounted).as(path + " lies in a mounted volume").isTrue();
        try {
            Path dir = scratch.resolve("tls");
            synchronized (HelmChartTest.class) {
                if (!Files.exists(dir.resolve("tls.key"))) {
                    Files.createDirectories(dir);
                    var ca = io.confwatch.tls.TestCertificates.ca("CN=Chart CA");
                    var keys = io.confwatch.tls.TestCertificates.ecKeys();
                    io.confwatch.tls.TestCertificates.writeCertificates(dir.resolve("ca.crt"), ca.certificate());
                    io.confwatch.tls.TestCertificates.writeCertificates(
                            dir.resolve("tls.crt"),
                            io.confwatch.tls.TestCertificates.client(ca, "confwatch", keys)
                                    .certificate());
                    io.confwatch.tls.TestCertificates.writeTraditional(dir.resolve("tls.key"), keys.getPrivate());
                }
            }
            return dir.resolve(Path.of(path).getFileName()).toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Map<String, String> environment(JsonNode container, JsonNode owner) {
        Map<String, String> env = new HashMap<>();
        String podName = owner.path("metadata").path("name").asText() + "-"
                + (owner.path("spec").path("replicas").asInt(1) - 1);
        for (JsonNode variable : container.path("env")) {
            String name = variable.path("name").asText();
            if (variable.has("value") && name.startsWith("PGSSL") && !name.equals("PGSSLMODE")) {
                env.put(name, mintedTlsFile(container, variable.path("value").asText()));
            } else if (variable.has("value")) {
                env.put(name, variable.path("value").asText());
            } else if (variable.path("valueFrom").has("secretKeyRef")) {
                env.put(
                        name,
                        "secret-from-"
                                + variable.path("valueFrom")
                                        .path("secretKeyRef")
                                        .path("name")
                                        .asText());
            } else if (variable.path("valueFrom")
                    .path("fieldRef")
                    .path("fieldPath")
                    .asText()
                    .equals("metadata.name")) {
                env.put(name, podName);
            } else {
                throw new AssertionError("unexpected env source: " + variable);
            }
        }
        return env;
    }
}
