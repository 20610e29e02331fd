import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

/**
 * A pass-through proxy in front of moto_server that fills the gaps the AWS provider trips on (everything else goes to
 * moto unchanged), so `terraform apply` of the real configuration can run against it:
 *
 * - Redshift `DescribeClusters`: moto omits `ClusterAvailabilityStatus`, `AvailabilityZoneRelocationStatus` and
 *   `MultiAZ`, which the provider waits for or parses ("Available"; "disabled"; "Disabled"); added when the cluster
 *   status is "available".
 * - Redshift `ModifyClusterParameterGroup`: not implemented by moto (500). Answered here, and the values are remembered
 *   and shown by `DescribeClusterParameters`, as Redshift does.
 *
 * Each patch is counted, so a test can tell which gaps were actually needed.
 */
export class MotoGaps {
  readonly patched = new Map<string, number>();
  private readonly params = new Map<string, Map<string, string>>();
  private server: Server | null = null;
  url = '';

  constructor(private readonly moto: string) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const form = isForm(req) ? new URLSearchParams(body.toString('utf8')) : null;
        const action = form?.get('Action') ?? null;
        if (action === 'ModifyClusterParameterGroup') {
          const group = form?.get('ParameterGroupName') ?? '';
          const values = this.params.get(group) ?? new Map<string, string>();
          for (let i = 1; form?.has(`Parameters.member.${i}.ParameterName`); i++)
            values.set(
              form.get(`Parameters.member.${i}.ParameterName`) as string,
              form.get(`Parameters.member.${i}.ParameterValue`) ?? '',
            );
          this.params.set(group, values);
          this.count(action);
          res.writeHead(200, { 'content-type': 'text/xml' });
          res.end(
            `<ModifyClusterParameterGroupResponse xmlns="http://redshift.amazonaws.com/doc/2012-12-01/"><ModifyClusterParameterGroupResult><ParameterGroupName>${escapeXml(group)}</ParameterGroupName><ParameterGroupStatus>Your parameter group has been updated.</ParameterGroupStatus></ModifyClusterParameterGroupResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></ModifyClusterParameterGroupResponse>`,
          );
          return;
        }
        this.forward(req, body, (status, headers, payload) => {
          let out: Buffer | string = payload;
          if (action === 'DescribeClusters' && status === 200) out = this.clusters(payload.toString('utf8'));
          if (action === 'DescribeClusterParameters' && status === 200)
            out = this.parameters(form?.get('ParameterGroupName') ?? '', payload.toString('utf8'));
          const h = { ...headers };
          if (typeof out === 'string') h['content-length'] = String(Buffer.byteLength(out));
          res.writeHead(status, h);
          res.end(out);
        });
      });
    });
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private count(what: string): void {
    this.patched.set(what, (this.patched.get(what) ?? 0) + 1);
  }

  private clusters(xml: string): string {
    if (xml.includes('<ClusterAvailabilityStatus>')) return xml;
    const out = xml.replace(
      /<ClusterStatus>available<\/ClusterStatus>/g,
      '<ClusterStatus>available</ClusterStatus><ClusterAvailabilityStatus>Available</ClusterAvailabilityStatus>' +
        '<AvailabilityZoneRelocationStatus>disabled</AvailabilityZoneRelocationStatus><MultiAZ>Disabled</MultiAZ>',
    );
    if (out !== xml) this.count('DescribeClusters');
    return out;
  }

  private parameters(group: string, xml: string): string {
    const values = this.params.get(group);
    if (!values) return xml;
    let out = xml;
    for (const [name, value] of values) {
      out = out.replace(
        new RegExp(`(<ParameterName>${name}</ParameterName>[\\s\\S]*?<ParameterValue>)[^<]*(</ParameterValue>)`),
        `$1${escapeXml(value)}$2`,
      );
    }
    if (out !== xml) this.count('DescribeClusterParameters');
    return out;
  }

  private forward(
    req: IncomingMessage,
    body: Buffer,
    done: (status: number, headers: Record<string, string | string[]>, payload: Buffer) => void,
  ): void {
    const target = new URL(req.url ?? '/', this.moto);
    const up = request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => {
        const headers: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(r.headers))
          if (v !== undefined && k !== 'transfer-encoding') headers[k] = v;
        done(r.statusCode ?? 502, headers, Buffer.concat(chunks));
      });
    });
    up.on('error', (e) => done(502, { 'content-type': 'text/plain' }, Buffer.from(`moto unreachable: ${e.message}`)));
    up.end(body);
  }
}

function isForm(req: IncomingMessage): boolean {
  return (
    req.method === 'POST' && String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
  );
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
