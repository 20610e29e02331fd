import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { TABLE_COLUMNS, tsvField, type DataLake, type Warehouse } from '@adrank/warehouse';
import type { RelatedArgs } from '../cli';
import { NaverClients } from '../naver-clients';
import type { Reporter } from '@adrank/job';
import { DATA_LAKE, NAVER_CLIENTS, REPORTER, WAREHOUSE } from '../tokens';
import { finishRun, startRun } from './runs';

/**
 * `etl related`: keyword-tool relations for the given words (a file, one per line; default: the customer's keywords
 * in the warehouse), through the client's keyword-tool budget. With one hint per call (the default) each related
 * keyword is attributed to exactly the word that produced it. The (customer, given word) rows are replaced.
 */
@Injectable()
export class RelatedCommand {
  constructor(
    @Inject(WAREHOUSE) private readonly warehouse: Warehouse,
    @Inject(DATA_LAKE) private readonly lake: DataLake,
    @Inject(NAVER_CLIENTS) private readonly naver: NaverClients,
    @Inject(REPORTER) private readonly log: Reporter,
  ) {}

  async run(args: Omit<RelatedArgs, 'command'>): Promise<{ runId: string; givenWords: number; relations: number }> {
    const client = this.naver.for(args.customer);
    await this.warehouse.migrate();
    const words =
      args.givenWordsFile !== undefined ? readWords(args.givenWordsFile) : await this.customerKeywords(args.customer);
    if (words.length === 0) throw new Error('no given words: pass --given-words-file or run `etl keywords` first');
    const runId = await startRun(this.warehouse, 'related', args.customer);
    const work = mkdtempSync(join(tmpdir(), 'adrank-etl-rel-'));
    try {
      const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
      const seen = new Set<string>();
      const lines: string[] = [];
      const given = new Set<string>();
      for (let i = 0; i < words.length; i += 50) {
        const part = words.slice(i, i + 50);
        const related = await client.keywordTool(part, { hintsPerCall: args.hintsPerCall });
        for (const r of related) {
          for (const hint of r.hints) {
            given.add(hint);
            const key = `${hint}\u0000${r.relKeyword}`;
            if (seen.has(key)) continue;
            seen.add(key);
            lines.push(
              [
                args.customer,
                hint,
                r.relKeyword,
                r.monthlyPcQcCnt.value,
                r.monthlyPcQcCnt.below10,
                r.monthlyMobileQcCnt.value,
                r.monthlyMobileQcCnt.below10,
                r.monthlyAvePcClkCnt,
                r.monthlyAveMobileClkCnt,
                r.monthlyAvePcCtr,
                r.monthlyAveMobileCtr,
                r.plAvgDepth,
                r.compIdx,
                now,
              ]
                .map(tsvField)
                .join('\t'),
            );
          }
        }
        this.log.progress(Math.min(i + 50, words.length), words.length, 'given words');
      }
      const local = join(work, 'relations.tsv');
      writeFileSync(local, lines.length ? lines.join('\n') + '\n' : '');
      const uri = await this.lake.put(`snapshots/naver/relations/${args.customer}/${now.slice(0, 10)}.tsv`, local);
      await this.warehouse.transaction(async (tx) => {
        for (const w of given) {
          await tx.execute('DELETE FROM keyword_relations WHERE customer_id = :customer AND given_word = :word', {
            customer: args.customer,
            word: w,
          });
        }
        if (lines.length > 0) {
          await tx.loadFile('keyword_relations', this.warehouse.dialect === 'redshift' ? uri : local, {
            format: 'tsv',
            columns: TABLE_COLUMNS.keyword_relations,
          });
        }
      });
      const summary = { givenWords: given.size, relations: lines.length };
      await finishRun(this.warehouse, runId, 'succeeded', summary);
      this.log.info('keyword relations loaded', { runId, ...summary });
      return { runId, ...summary };
    } catch (e) {
      await finishRun(this.warehouse, runId, 'failed', { error: (e as Error).message });
      throw e;
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }

  private async customerKeywords(customer: string): Promise<string[]> {
    const rows = await this.warehouse.query<{ keyword: string }>(
      "SELECT DISTINCT keyword FROM naver_keywords WHERE customer_id = :customer AND status <> 'DELETED' ORDER BY keyword",
      { customer },
    );
    return rows.map((r) => r.keyword);
  }
}

function readWords(file: string): string[] {
  const words = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((w) => w.trim())
    .filter((w) => w !== '' && !w.startsWith('#'));
  return [...new Set(words)];
}
