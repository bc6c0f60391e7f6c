// Asserts what the Helm chart promises, on `helm template` output (scripts/chart-test.sh runs it).
// Usage: node chart-check.mjs TOOLS_DIR CHART_DIR NAME=RENDERED.yaml[:VALUES.yaml] ...
// Prints PASS/FAIL "<check> <name>" per check and value set; exits 1 on any failure.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const [toolsDir, chartDir, ...sets] = process.argv.slice(2);
const require = createRequire(path.join(toolsDir, "package.json"));
const YAML = require("yaml");
const k8s = require("kubernetes-models");
const keda = require("@kubernetes-models/keda");

// Every model class by apiVersion/kind: Kubernetes' own and KEDA's.
const models = {};
const collect = (m, depth) => {
  for (const v of Object.values(m)) {
    if (typeof v === "function" && v.apiVersion && v.kind) models[`${v.apiVersion}/${v.kind}`] = v;
    else if (v && typeof v === "object" && depth < 3) collect(v, depth + 1);
  }
};
collect(k8s, 0);
collect(keda, 0);

let failures = 0;
const report = (check, problems) => {
  if (problems.length === 0) console.log(`PASS ${check}`);
  else {
    failures++;
    for (const p of problems.slice(0, 10)) console.log(`  ${p}`);
    console.log(`FAIL ${check}`);
  }
};

// The chart's defaults with a value set over them, key by key (as Helm merges -f files).
const merge = (base, over) => {
  if (!over || typeof over !== "object" || Array.isArray(over)) return over === undefined ? base : over;
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) {
    out[k] = v && typeof v === "object" && !Array.isArray(v) && base && typeof base[k] === "object" && !Array.isArray(base[k]) ? merge(base[k], v) : v;
  }
  return out;
};
const defaults = YAML.parse(fs.readFileSync(path.join(chartDir, "values.yaml"), "utf8"));

const workloadKinds = new Set(["Deployment", "StatefulSet", "Job"]);
const secretLike = /(PASSWORD|TOKEN|SECRET|_KEY$|__KEY$|SECRETKEY|ACCESSKEY)/i;
const recommended = ["app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/version", "app.kubernetes.io/managed-by", "app.kubernetes.io/component", "helm.sh/chart"];
const images = /^([a-z0-9.:-]+\/)?backupplatform\/(api|scheduler|worker|volume-service):[\w.-]+$/;

for (const arg of sets) {
  const [name, files] = arg.split("=");
  const [rendered, valuesFile] = files.split(":");
  const values = merge(defaults, valuesFile ? YAML.parse(fs.readFileSync(valuesFile, "utf8")) : {});
  const objects = YAML.parseAllDocuments(fs.readFileSync(rendered, "utf8")).map((d) => d.toJS()).filter(Boolean);
  const id = (o) => `${o.kind}/${o.metadata?.name}`;
  const workloads = objects.filter((o) => workloadKinds.has(o.kind));
  const podSpec = (o) => o.spec.template.spec;
  const containersOf = (o) => [...(podSpec(o).initContainers ?? []), ...podSpec(o).containers];
  const eachContainer = (fn) => workloads.flatMap((w) => containersOf(w).flatMap((c) => fn(w, c, podSpec(w)) ?? []));
  const annotations = (o) => o.metadata?.annotations ?? {};
  const isHook = (o) => "helm.sh/hook" in annotations(o);

  // Schema: every object validates against its kind's schema, and every kind has one.
  report(`schema ${name} (${objects.length} objects)`, objects.flatMap((o) => {
    const model = models[`${o.apiVersion}/${o.kind}`];
    if (!model) return [`${id(o)}: no schema for ${o.apiVersion}/${o.kind}`];
    try { new model(o).validate(); return []; } catch (e) { return [`${id(o)}: ${e.message}`]; }
  }));

  // Security: non-root, read-only root, no privilege escalation, every capability dropped, seccomp RuntimeDefault.
  report(`security-context ${name}`, eachContainer((w, c, pod) => {
    const sc = c.securityContext ?? {};
    const psc = pod.securityContext ?? {};
    const problems = [];
    const nonRoot = (sc.runAsNonRoot ?? psc.runAsNonRoot) === true;
    const uid = sc.runAsUser ?? psc.runAsUser;
    if (!nonRoot || uid === 0 || uid === undefined) problems.push(`${id(w)}/${c.name}: may run as root (runAsNonRoot ${nonRoot}, runAsUser ${uid})`);
    if (sc.readOnlyRootFilesystem !== true) problems.push(`${id(w)}/${c.name}: root filesystem writable`);
    if (sc.allowPrivilegeEscalation !== false) problems.push(`${id(w)}/${c.name}: privilege escalation allowed`);
    if (!(sc.capabilities?.drop ?? []).includes("ALL")) problems.push(`${id(w)}/${c.name}: capabilities not all dropped`);
    if ((sc.seccompProfile ?? psc.seccompProfile)?.type !== "RuntimeDefault") problems.push(`${id(w)}/${c.name}: seccomp not RuntimeDefault`);
    if (sc.privileged) problems.push(`${id(w)}/${c.name}: privileged`);
    return problems;
  }));

  // A read-only root needs somewhere to write: /tmp is an emptyDir in every container.
  report(`writable-tmp ${name}`, eachContainer((w, c, pod) => {
    const mount = (c.volumeMounts ?? []).find((m) => m.mountPath === "/tmp");
    const volume = mount && (pod.volumes ?? []).find((v) => v.name === mount.name);
    return volume?.emptyDir ? [] : [`${id(w)}/${c.name}: no emptyDir at /tmp`];
  }));

  // Probes: every long-running container has startup, liveness and readiness probes on its HTTP port.
  report(`probes ${name}`, eachContainer((w, c) => {
    if (w.kind === "Job") return [];
    return ["startupProbe", "livenessProbe", "readinessProbe"].filter((p) => !c[p]?.httpGet).map((p) => `${id(w)}/${c.name}: no ${p}`);
  }));

  report(`requests-and-limits ${name}`, eachContainer((w, c) => {
    const r = c.resources ?? {};
    return r.requests?.cpu && r.requests?.memory && r.limits?.memory ? [] : [`${id(w)}/${c.name}: resources ${JSON.stringify(r)}`];
  }));

  // Secrets: whatever is named like a secret comes from a Secret; no literal holds a password; every
  // reference resolves to a Secret the chart renders (with that key) or one the values name as existing.
  const rendered_secrets = Object.fromEntries(objects.filter((o) => o.kind === "Secret").map((o) => [o.metadata.name, Object.keys(o.data ?? {})]));
  const existing = new Set([values.database.existingSecret, values.bus.existingSecret, values.volumeService.existingSecret, values.encryption.existingSecret, values.store.existingSecret].filter(Boolean));
  report(`secret-references ${name}`, eachContainer((w, c) => (c.env ?? []).flatMap((e) => {
    const where = `${id(w)}/${c.name} ${e.name}`;
    const ref = e.valueFrom?.secretKeyRef;
    if (ref) {
      if (existing.has(ref.name)) return [];
      if (!(ref.name in rendered_secrets)) return [`${where}: Secret ${ref.name} neither rendered nor named as existing`];
      if (!rendered_secrets[ref.name].includes(ref.key)) return [`${where}: Secret ${ref.name} has no key ${ref.key}`];
      if (isHook(w) && !isHook(objects.find((o) => o.kind === "Secret" && o.metadata.name === ref.name)))
        return [`${where}: a pre-install hook reads Secret ${ref.name}, which does not exist yet at install`];
      return [];
    }
    if (secretLike.test(e.name) && e.name !== "BackupPlatform__Database__Migrate") return [`${where}: a secret given as a literal`];
    const v = String(e.value ?? "");
    if (/password=(?!"?\$\()/i.test(v)) return [`${where}: a password in a connection string literal`];
    if (/^amqps?:\/\/[^/@]*:(?!\$\()[^@]+@/.test(v)) return [`${where}: a password in an AMQP URI literal`];
    return [];
  })));
  if (existing.size > 0) {
    // With existing Secrets the chart's own Secret must not hold copies of what they hold.
    const own = Object.keys(objects.find((o) => o.kind === "Secret" && !isHook(o) && o.metadata.labels?.["app.kubernetes.io/component"] === "config")?.data ?? {});
    report(`existing-secrets-used ${name}`, ["database-password", "rabbitmq-password", "service-token", "encryption-key", "s3-secret-key"]
      .filter((k) => own.includes(k)).map((k) => `the chart's Secret holds ${k} although an existing Secret was named`));
  }

  // Migrations: one pre-install/pre-upgrade Job migrates (Migrate=Only); every service only waits (Migrate=Wait).
  const migrate = (c) => (c.env ?? []).find((e) => e.name === "BackupPlatform__Database__Migrate")?.value;
  const jobs = workloads.filter((w) => w.kind === "Job");
  const hookJobs = jobs.filter((j) => /pre-install/.test(annotations(j)["helm.sh/hook"] ?? "") && /pre-upgrade/.test(annotations(j)["helm.sh/hook"] ?? ""));
  report(`migration-hook ${name}`, [
    ...(hookJobs.length === 1 ? [] : [`${hookJobs.length} pre-install,pre-upgrade Jobs`]),
    ...hookJobs.flatMap((j) => containersOf(j).filter((c) => migrate(c) !== "Only").map((c) => `${id(j)}/${c.name}: Migrate=${migrate(c)}`)),
    ...hookJobs.flatMap((j) => (values.volumeService.enabled && containersOf(j).length < 2 ? [`${id(j)}: the volume schema is not migrated`] : [])),
    ...workloads.filter((w) => w.kind !== "Job").flatMap((w) => containersOf(w).filter((c) => migrate(c) !== "Wait").map((c) => `${id(w)}/${c.name}: Migrate=${migrate(c)} (services must not migrate)`)),
  ]);

  // Worker pools: one StatefulSet each, host name = pod name, zone, grace above drain, its own PDB and one autoscaler.
  const pools = values.worker.pools.map((p) => merge(values.workerDefaults, p));
  const statefulSets = objects.filter((o) => o.kind === "StatefulSet");
  const env = (c, n) => (c.env ?? []).find((e) => e.name === n);
  const selects = (selector, labels) => Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  report(`statefulset-per-pool ${name} (${pools.length} pools)`, [
    ...(statefulSets.length === pools.length ? [] : [`${statefulSets.length} StatefulSets for ${pools.length} pools`]),
    ...pools.flatMap((pool) => {
      const sts = statefulSets.find((s) => s.spec.template.metadata.labels["backupplatform/worker-pool"] === pool.name);
      if (!sts) return [`pool ${pool.name}: no StatefulSet`];
      const worker = podSpec(sts).containers.find((c) => c.name === "worker");
      const problems = [];
      if (env(worker, "BackupPlatform__Worker__Host")?.valueFrom?.fieldRef?.fieldPath !== "metadata.name") problems.push(`${id(sts)}: host name is not the pod name`);
      if (env(worker, "BackupPlatform__Worker__AvailabilityZone")?.value !== pool.availabilityZone) problems.push(`${id(sts)}: zone is not ${pool.availabilityZone}`);
      const drain = env(worker, "BackupPlatform__Worker__ShutdownDrainTimeout")?.value ?? "";
      const [, d, h, m, s] = drain.match(/^(?:(\d+)\.)?(\d+):(\d+):(\d+)$/) ?? [];
      const drainSeconds = (+d || 0) * 86400 + +h * 3600 + +m * 60 + +s;
      if (!(podSpec(sts).terminationGracePeriodSeconds > drainSeconds)) problems.push(`${id(sts)}: grace ${podSpec(sts).terminationGracePeriodSeconds} s not above the drain ${drain}`);
      const spreads = (podSpec(sts).topologySpreadConstraints ?? []).map((t) => t.topologyKey);
      if (!spreads.includes("topology.kubernetes.io/zone")) problems.push(`${id(sts)}: not spread by zone`);
      if (pool.nodeZone && podSpec(sts).nodeSelector?.["topology.kubernetes.io/zone"] !== pool.nodeZone) problems.push(`${id(sts)}: not pinned to ${pool.nodeZone}`);
      const mounted = (worker.volumeMounts ?? []).some((v) => v.name === "data");
      if (mounted !== pool.mountData) problems.push(`${id(sts)}: data mounted ${mounted}, mountData ${pool.mountData}`);
      const pdbs = objects.filter((o) => o.kind === "PodDisruptionBudget" && selects(o.spec.selector, sts.spec.template.metadata.labels));
      if (pdbs.length !== 1) problems.push(`${id(sts)}: ${pdbs.length} PodDisruptionBudgets`);
      const scalers = objects.filter((o) => (o.kind === "HorizontalPodAutoscaler" || o.kind === "ScaledObject") && o.spec.scaleTargetRef?.kind === "StatefulSet" && o.spec.scaleTargetRef?.name === sts.metadata.name);
      const wanted = pool.keda.enabled ? ["ScaledObject"] : pool.autoscaling.enabled ? ["HorizontalPodAutoscaler"] : [];
      if (JSON.stringify(scalers.map((o) => o.kind)) !== JSON.stringify(wanted)) problems.push(`${id(sts)}: autoscalers [${scalers.map((o) => o.kind)}], expected [${wanted}]`);
      if (wanted.length > 0 && sts.spec.replicas !== undefined) problems.push(`${id(sts)}: replicas set although an autoscaler owns them`);
      const kedaQueue = scalers.find((o) => o.kind === "ScaledObject")?.spec.triggers?.[0]?.metadata?.queueName;
      if (kedaQueue && !new RegExp(kedaQueue).test(`backup-worker.${sts.metadata.name}-0`)) problems.push(`${id(sts)}: KEDA's queue pattern ${kedaQueue} misses backup-worker.${sts.metadata.name}-0`);
      if (kedaQueue && new RegExp(kedaQueue).test(`backup-worker.${sts.metadata.name}-0_error`)) problems.push(`${id(sts)}: KEDA's queue pattern counts the error queue`);
      return problems;
    }),
  ]);

  // Every PDB selects some workload's pods, and the API has one.
  const podLabels = workloads.map((w) => w.spec.template.metadata.labels);
  const pdbs = objects.filter((o) => o.kind === "PodDisruptionBudget");
  report(`pdb ${name}`, [
    ...(pdbs.some((p) => p.spec.selector.matchLabels["app.kubernetes.io/component"] === "api") ? [] : ["no PodDisruptionBudget for the API"]),
    ...pdbs.filter((p) => !podLabels.some((l) => selects(p.spec.selector, l))).map((p) => `${id(p)} selects no pods`),
  ]);

  // Scheduler replicas may overlap (routing and failover are safe in the database): rolled, never left at none.
  report(`scheduler-rolled ${name}`, objects.filter((o) => o.kind === "Deployment" && o.spec.template.metadata.labels["app.kubernetes.io/component"] === "scheduler")
    .flatMap((d) => (d.spec.replicas >= 1 && d.spec.strategy?.type === "RollingUpdate" ? [] : [`${id(d)}: replicas ${d.spec.replicas}, strategy ${d.spec.strategy?.type}`])));

  report(`labels ${name}`, objects.flatMap((o) => recommended.filter((l) => !o.metadata.labels?.[l]).map((l) => `${id(o)}: no label ${l}`))
    .concat(workloads.flatMap((w) => recommended.filter((l) => !w.spec.template.metadata.labels?.[l]).map((l) => `${id(w)} pods: no label ${l}`))));

  // Names: DNS labels of at most 63 characters; a StatefulSet at most 52 (its pods' controller-revision-hash label adds 11).
  report(`names ${name}`, objects.flatMap((o) => {
    const n = o.metadata.name;
    const problems = [];
    if (n.length > 63 || !/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(n)) problems.push(`${id(o)}: ${n.length} characters or not a DNS label`);
    if (o.kind === "StatefulSet" && n.length > 52) problems.push(`${id(o)}: ${n.length} > 52 characters`);
    for (const [k, v] of Object.entries(o.metadata.labels ?? {})) if (String(v).length > 63) problems.push(`${id(o)}: label ${k} ${String(v).length} characters`);
    return problems;
  }));

  report(`images ${name}`, eachContainer((w, c) => (images.test(c.image) ? [] : [`${id(w)}/${c.name}: image ${c.image}`])));

  // Token auth where the values ask for it, on every service that takes tenants' calls.
  report(`auth-mode ${name}`, workloads.filter((w) => w.kind !== "Job").flatMap((w) => containersOf(w)
    .filter((c) => env(c, "BackupPlatform__Auth__Mode")?.value !== values.auth.mode).map((c) => `${id(w)}/${c.name}: auth mode ${env(c, "BackupPlatform__Auth__Mode")?.value}`)));

  // The volume service's URL and token reach every service that calls it (api, scheduler, workers).
  report(`volume-service-contract ${name}`, workloads.filter((w) => w.kind !== "Job").flatMap((w) => containersOf(w).flatMap((c) => {
    const problems = [];
    if (!env(c, "BackupPlatform__VolumeService__Url")?.value) problems.push(`${id(w)}/${c.name}: no VolumeService URL`);
    if (!env(c, "BackupPlatform__VolumeService__ServiceToken")?.valueFrom?.secretKeyRef) problems.push(`${id(w)}/${c.name}: no VolumeService token from a Secret`);
    return problems;
  })));

  // The data claim: made by the chart (and kept on uninstall) or named, and mounted where the volume service keeps volumes.
  const claims = objects.filter((o) => o.kind === "PersistentVolumeClaim");
  const claimName = values.persistence.existingClaim || claims[0]?.metadata.name;
  report(`data-claim ${name}`, [
    ...(!values.persistence.enabled || values.persistence.existingClaim
      ? (claims.length ? ["a claim made although persistence is off or existingClaim is set"] : [])
      : claims.length === 1 ? [] : [`${claims.length} claims made`]),
    ...claims.filter((c) => annotations(c)["helm.sh/resource-policy"] !== "keep").map((c) => `${id(c)} is deleted on uninstall`),
    ...workloads.flatMap((w) => (podSpec(w).volumes ?? []).filter((v) => v.persistentVolumeClaim && v.persistentVolumeClaim.claimName !== claimName).map((v) => `${id(w)}: claim ${v.persistentVolumeClaim.claimName}`)),
  ]);
}

process.exit(failures ? 1 : 0);
