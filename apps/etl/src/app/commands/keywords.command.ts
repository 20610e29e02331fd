import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { TABLE_COLUMNS, tsvField, type DataLake, type Warehouse } from '@adrank/warehouse';
import { NaverClients } from '../naver-clients';
import type { Reporter } from '@adrank/job';
import { DATA_LAKE, NAVER_CLIENTS, REPORTER, WAREHOUSE } from '../tokens';
import { finishRun, startRun } from './runs';

/**
 * `etl keywords`: campaigns → ad groups → keywords, then the customer's snapshot in naver_keywords is replaced in one
 * transaction (a keyword Naver no longer returns leaves the snapshot).
 */
@Injectable()
export class KeywordsCommand {
  constructor(
    @Inject(WAREHOUSE) private readonly warehouse: Warehouse,
    @Inject(DATA_LAKE) private readonly lake: DataLake,
    @Inject(NAVER_CLIENTS) private readonly naver: NaverClients,
    @Inject(REPORTER) private readonly log: Reporter,
  ) {}

  async run(args: {
    customer: string;
  }): Promise<{ runId: string; campaigns: number; adgroups: number; keywords: number }> {
    const client = this.naver.for(args.customer);
    await this.warehouse.migrate();
    const runId = await startRun(this.warehouse, 'keywords', args.customer);
    const work = mkdtempSync(join(tmpdir(), 'adrank-etl-kw-'));
    try {
      const campaigns = await client.listCampaigns();
      let adgroups = 0;
      const lines: string[] = [];
      const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
      for (const c of campaigns) {
        const groups = await client.listAdGroups(c.nccCampaignId);
        adgroups += groups.length;
        for (const g of groups) {
          for await (const page of client.keywordPages(g.nccAdgroupId)) {
            for (const k of page) {
              lines.push(
                [
                  k.nccKeywordId,
                  args.customer,
                  k.nccCampaignId ?? c.nccCampaignId,
                  k.nccAdgroupId,
                  k.keyword,
                  k.bidAmt,
                  k.useGroupBidAmt,
                  k.qualityIndex,
                  k.status,
                  k.inspectStatus,
                  null,
                  null,
                  k.regTm,
                  k.editTm,
                  now,
                ]
                  .map(tsvField)
                  .join('\t'),
              );
            }
          }
        }
        this.log.progress(campaigns.indexOf(c) + 1, campaigns.length, `campaign ${c.name}`);
      }
      const local = join(work, 'keywords.tsv');
      writeFileSync(local, lines.length ? lines.join('\n') + '\n' : '');
      const key = `naver/keywords/${args.customer}/${now.slice(0, 10)}.tsv`;
      const uri = await this.lake.put(`snapshots/${key}`, local);
      const file = this.warehouse.dialect === 'redshift' ? uri : local;
      await this.warehouse.transaction(async (tx) => {
        await tx.execute('DELETE FROM naver_keywords WHERE customer_id = :customer', { customer: args.customer });
        if (lines.length > 0)
          await tx.loadFile('naver_keywords', file, { format: 'tsv', columns: TABLE_COLUMNS.naver_keywords });
      });
      const summary = { campaigns: campaigns.length, adgroups, keywords: lines.length };
      await finishRun(this.warehouse, runId, 'succeeded', summary);
      this.log.info('keyword snapshot loaded', { runId, ...summary });
      return { runId, ...summary };
    } catch (e) {
      await finishRun(this.warehouse, runId, 'failed', { error: (e as Error).message });
      throw e;
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
}
