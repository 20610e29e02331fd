/** What every adrank workload and its neighbours must satisfy; `policyProblems` names each violation. */

export interface Container {
  name: string;
  image?: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    runAsNonRoot?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
  };
  startupProbe?: unknown;
  readinessProbe?: unknown;
  livenessProbe?: unknown;
}

export interface PodSpec {
  serviceAccountName?: string;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type?: string } };
  containers: Container[];
  topologySpreadConstraints?: { topologyKey: string }[];
  terminationGracePeriodSeconds?: number;
  restartPolicy?: string;
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

/** Schema errors of one object (kubernetes-models, generated from the Kubernetes OpenAPI document). */
export function validateSchema(o: K8sObject): string[] {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  const mod = require(
    group === '' ? `kubernetes-models/${version}` : `kubernetes-models/${group}/${version}`,
  ) as Record<string, new (x: unknown) => { validate(): void }>;
  const Model = mod[o.kind];
  if (Model === undefined) return [`${o.apiVersion} ${o.kind}: no schema`];
  try {
    new Model(o).validate();
    return [];
  } catch (e) {
    return [(e as Error).message];
  }
}

export function podSpecOf(o: K8sObject): PodSpec | undefined {
  const spec = o.spec as Record<string, unknown> | undefined;
  if (o.kind === 'Deployment') return (spec?.['template'] as { spec: PodSpec }).spec;
  if (o.kind === 'CronJob')
    return (spec?.['jobTemplate'] as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
  return undefined;
}

const cpuMillis = (v: string | undefined): number =>
  v === undefined ? NaN : v.endsWith('m') ? Number(v.slice(0, -1)) : Number(v) * 1000;

/** Every violation, as "<Kind>/<name>: what is wrong". Empty when all holds. */
export function policyProblems(objects: K8sObject[]): string[] {
  const out: string[] = [];
  const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
  const workloads = objects.filter((o) => o.kind === 'Deployment' || o.kind === 'CronJob');
  if (workloads.length === 0) out.push('no workloads rendered');
  const ns = objects.find((o) => o.kind === 'Namespace');
  if (ns?.metadata.labels?.['pod-security.kubernetes.io/enforce'] !== 'restricted')
    out.push(`Namespace/${ns?.metadata.name ?? '?'}: the restricted Pod Security Standard is not enforced`);
  if (
    !objects.some(
      (o) =>
        o.kind === 'NetworkPolicy' &&
        JSON.stringify(o.spec?.['podSelector']) === '{}' &&
        !o.spec?.['ingress'] &&
        !o.spec?.['egress'],
    )
  )
    out.push('no default-deny NetworkPolicy');

  for (const w of workloads) {
    const id = `${w.kind}/${w.metadata.name}`;
    const pod = podSpecOf(w);
    if (!pod) {
      out.push(`${id}: no pod template`);
      continue;
    }
    const podNonRoot = pod.securityContext?.runAsNonRoot === true;
    if (pod.securityContext?.seccompProfile?.type !== 'RuntimeDefault')
      out.push(`${id}: no RuntimeDefault seccomp profile`);
    if ((pod.securityContext?.runAsUser ?? 1) === 0) out.push(`${id}: runs as user 0`);
    for (const c of pod.containers) {
      const cid = `${id}: container ${c.name}`;
      const r = c.resources;
      if (!r?.requests?.['cpu'] || !r.requests['memory']) out.push(`${cid} has no cpu and memory requests`);
      if (!r?.limits?.['cpu'] || !r.limits['memory']) out.push(`${cid} has no cpu and memory limits`);
      if (r?.requests?.['cpu'] && r.limits?.['cpu'] && cpuMillis(r.requests['cpu']) > cpuMillis(r.limits['cpu']))
        out.push(`${cid} requests more cpu than its limit`);
      const sc = c.securityContext;
      if (sc?.readOnlyRootFilesystem !== true) out.push(`${cid} does not have a read-only root filesystem`);
      if (sc?.allowPrivilegeEscalation !== false) out.push(`${cid} allows privilege escalation`);
      if (!(sc?.runAsNonRoot === true || (podNonRoot && sc?.runAsNonRoot !== false)))
        out.push(`${cid} may run as root`);
      if (!sc?.capabilities?.drop?.includes('ALL') || (sc.capabilities.add ?? []).length > 0)
        out.push(`${cid} does not drop all capabilities`);
      if (!c.image || c.image.endsWith(':latest') || !c.image.includes(':')) out.push(`${cid} has no pinned image tag`);
    }
    const saName = pod.serviceAccountName;
    const sa = saName ? find('ServiceAccount', saName) : undefined;
    if (!sa) out.push(`${id}: no service account of its own`);
    else if (
      !/^arn:aws[a-z-]*:iam::\d{12}:role\/.+/.test(sa.metadata.annotations?.['eks.amazonaws.com/role-arn'] ?? '')
    )
      out.push(`${id}: service account ${saName} has no IRSA role (eks.amazonaws.com/role-arn)`);

    if (w.kind === 'Deployment') {
      const c = pod.containers[0];
      for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe'] as const)
        if (!c?.[probe]) out.push(`${id}: no ${probe}`);
      if (Number(w.spec?.['replicas']) < 2) out.push(`${id}: fewer than 2 replicas`);
      const keys = (pod.topologySpreadConstraints ?? []).map((t) => t.topologyKey);
      if (!keys.includes('topology.kubernetes.io/zone')) out.push(`${id}: not spread over zones`);
      // the app turns unready, keeps serving for SHUTDOWN_DELAY_MS, then drains: the grace period must cover both
      const config = objects.find(
        (o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith(`${w.metadata.name}-config`),
      );
      const delayS = Number(config?.data?.['SHUTDOWN_DELAY_MS'] ?? 5000) / 1000;
      if ((pod.terminationGracePeriodSeconds ?? 30) < delayS + 10)
        out.push(`${id}: terminationGracePeriodSeconds does not cover SHUTDOWN_DELAY_MS plus 10 s of draining`);
      const name = w.metadata.name;
      if (!objects.some((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === name))
        out.push(`${id}: no PodDisruptionBudget`);
      const hpa = find('HorizontalPodAutoscaler', name);
      const cpu = (
        hpa?.spec?.['metrics'] as { resource?: { name: string; target: { averageUtilization?: number } } }[] | undefined
      )?.find((m) => m.resource?.name === 'cpu');
      if (cpu?.resource?.target.averageUtilization !== 60) out.push(`${id}: no HPA on 60% CPU`);
      if (Number(hpa?.spec?.['minReplicas']) < 2) out.push(`${id}: the HPA may scale below 2`);
      const svc = find('Service', name);
      if (svc?.metadata.annotations?.['service.beta.kubernetes.io/aws-load-balancer-scheme'] !== 'internal')
        out.push(`${id}: its Service is not an internal load balancer`);
    }
    if (w.kind === 'CronJob') {
      const s = w.spec as Record<string, unknown>;
      if (s['timeZone'] !== 'Asia/Seoul') out.push(`${id}: not scheduled in Asia/Seoul`);
      if (s['concurrencyPolicy'] !== 'Forbid') out.push(`${id}: runs may overlap`);
      if (typeof s['successfulJobsHistoryLimit'] !== 'number' || typeof s['failedJobsHistoryLimit'] !== 'number')
        out.push(`${id}: no history limits`);
      const job = (s['jobTemplate'] as { spec: Record<string, unknown> }).spec;
      if (typeof job['backoffLimit'] !== 'number' || (job['backoffLimit'] as number) > 3)
        out.push(`${id}: no small backoff limit`);
      if (typeof job['activeDeadlineSeconds'] !== 'number') out.push(`${id}: no deadline`);
    }
    const label =
      (w.spec as { selector?: { matchLabels?: Record<string, string> } }).selector?.matchLabels?.[
        'app.kubernetes.io/name'
      ] ?? w.metadata.labels?.['app.kubernetes.io/name'];
    const covered = objects.some(
      (o) =>
        o.kind === 'NetworkPolicy' &&
        JSON.stringify(o.spec?.['podSelector'] ?? {}) !== '{}' &&
        JSON.stringify(o.spec?.['podSelector']).includes(String(label)),
    );
    if (!covered) out.push(`${id}: no NetworkPolicy of its own`);
  }
  // ETL before trainer: the trainer's run starts after the ETL's, same time zone
  const at = (name: string) =>
    String((find('CronJob', name)?.spec as { schedule?: string } | undefined)?.schedule ?? '');
  const minutes = (cron: string) => {
    const [m, h] = cron.split(' ');
    return Number(h) * 60 + Number(m);
  };
  if (find('CronJob', 'etl') && find('CronJob', 'trainer') && !(minutes(at('trainer')) > minutes(at('etl'))))
    out.push('CronJob/trainer: not scheduled after the ETL');
  return out;
}
