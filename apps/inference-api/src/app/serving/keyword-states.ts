import type { FeatureGroup, StateStore } from '@adrank/lightgbm';

/**
 * Value variants kept per keyword. The serving model's group holds the keyword's and the pair's features: a keyword
 * comes with the values of a pair without history for most search terms (one variant), and with its own values for
 * the few search terms it has history with. A soft cap: one ranking may use more variants of a keyword at once.
 */
export const VARIANTS_PER_KEYWORD = 4;

/**
 * Per-keyword split states of a feature group (the serving model's: the keyword's settings and history and the pair's
 * history — most of the seed models' splits), so a ranking evaluates only the splits on the request's values and the
 * similarity. The states live in the predictors' own memory ({@link StateStore}, one slot per entry, shared by the
 * models); the feature values each entry came from sit beside it in one array and are compared on every use, so a row
 * only ever starts from a state of its own values: a keyword keeps up to {@link VARIANTS_PER_KEYWORD} variants, and a
 * row matching none gets a new entry. Bounded in bytes; when full, an entry is evicted by the CLOCK policy (an
 * approximate LRU: a use sets the entry's reference bit, the clock hand clears set bits and evicts the first entry
 * found clear), so a hit writes one byte instead of moving the keyword in an ordered map — which kept request strings
 * and map tables alive past young-generation collections. The entries one call uses are never evicted during that
 * call.
 */
export class KeywordStateCache<K extends string> {
  /**
   * Each keyword's entries form a chain, most recently used first: its head by the keyword's dense key (`keys` of
   * {@link slotsFor}; −1: none) or, for a keyword without one, by name; `next` links the rest (−1: the end).
   */
  private headByKey = new Int32Array(0);
  private readonly headByName = new Map<string, number>();
  private readonly next: Int32Array;
  private readonly names: K[];
  private readonly storeList: StateStore[];
  private readonly stores: Record<K, StateStore>;
  private readonly features: readonly number[];
  /** The values of entry i at [i·nf, (i + 1)·nf). */
  private readonly values: Float64Array;
  /** Entry numbers not in use. */
  private readonly free: number[];
  /** The call that last used each entry: the entries of the running call are not evicted. */
  private readonly usedIn: Int32Array;
  /** CLOCK reference bits: 1 when the entry was used since the hand last passed it. */
  private readonly referenced: Uint8Array;
  /** The keyword of each entry in use: its dense key (−1: none) and its name. */
  private readonly ownerKey: Int32Array;
  private readonly owner: string[];
  /** The next entry the clock hand looks at. */
  private hand = 0;
  readonly capacity: number;
  private calls = 0;
  /** The slots of the last call (a view of it is returned; no ArrayBuffer per call). */
  private slotScratch = new Int32Array(128);
  hits = 0;
  misses = 0;

  /** Bytes per entry: the states of every group, the values, and the bookkeeping. */
  static bytesPerEntry(groups: Record<string, FeatureGroup>): number {
    let bytes = 120; // chain link, owner, free list, usage, a share of the heads (an upper bound)
    let features: readonly number[] | undefined;
    for (const g of Object.values(groups)) {
      if (features !== undefined && g.features.join() !== features.join())
        throw new Error('every model of a keyword state cache must share one feature group');
      features = g.features;
      bytes += 4 * g.stateLength;
    }
    return bytes + 8 * (features?.length ?? 0);
  }

  /** Entries `maxBytes` holds for these groups (0: too small to keep any). */
  static capacityFor(groups: Record<string, FeatureGroup>, maxBytes: number): number {
    return Math.max(0, Math.floor(maxBytes / KeywordStateCache.bytesPerEntry(groups)));
  }

  /** Takes the stores' memory now: `capacity` entries (≥ 1) in every model. */
  constructor(groups: Record<K, FeatureGroup>, capacity: number) {
    KeywordStateCache.bytesPerEntry(groups); // one shared feature group
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`capacity must be ≥ 1, got ${capacity}`);
    this.capacity = capacity;
    this.names = Object.keys(groups) as K[];
    this.features = groups[this.names[0] as K].features;
    this.stores = {} as Record<K, StateStore>;
    for (const k of this.names) this.stores[k] = groups[k].createStore(capacity);
    this.storeList = this.names.map((k) => this.stores[k]);
    this.values = new Float64Array(capacity * this.features.length);
    this.free = Array.from({ length: capacity }, (_, i) => capacity - 1 - i);
    this.usedIn = new Int32Array(capacity);
    this.referenced = new Uint8Array(capacity);
    this.next = new Int32Array(capacity).fill(-1);
    this.ownerKey = new Int32Array(capacity).fill(-1);
    this.owner = new Array<string>(capacity).fill('');
  }

  /** The state store of one model. */
  store(model: K): StateStore {
    return this.stores[model];
  }

  /** Entries held. */
  get size(): number {
    return this.capacity - this.free.length;
  }

  /**
   * The entry of every row (`rows`, row-major, `width` values each) for `keywords[r]`: the slot of its state in each
   * model's store. Entries are computed for rows whose values no entry of their keyword has. `keys[r]` ≥ 0, when
   * given, is a dense number for the keyword (its row in the bundle's keyword table: the same keyword must always come
   * with the same key) that finds its entries through an array instead of a map of names. Null when the call has more
   * rows than the cache has entries (the caller evaluates every split instead). The array is reused by the next call:
   * use it before then.
   */
  slotsFor(keywords: readonly string[], rows: Float64Array, width: number, keys?: Int32Array): Int32Array | null {
    const n = keywords.length;
    if (n > this.capacity) return null;
    if (keys !== undefined && keys.length < n) throw new Error(`keys holds ${keys.length} values, ${n} needed`);
    const call = ++this.calls;
    if (this.slotScratch.length < n) this.slotScratch = new Int32Array(Math.max(n, 2 * this.slotScratch.length));
    const out = this.slotScratch.subarray(0, n);
    const { values, features: feats, usedIn, referenced, next } = this;
    const nf = feats.length;
    for (let r = 0; r < n; r++) {
      const name = keywords[r] as string;
      const key = keys !== undefined ? (keys[r] as number) : -1;
      const base = r * width;
      let head = this.head(key, name);
      let id = -1;
      let prev = -1;
      for (let x = head; x >= 0; x = next[x] as number) {
        if (matches(values, x * nf, rows, base, feats)) {
          id = x;
          break;
        }
        prev = x;
      }
      if (id >= 0) {
        this.hits++;
        referenced[id] = 1;
        if (prev >= 0) {
          // to the front of its chain
          next[prev] = next[id] as number;
          next[id] = head;
          this.setHead(key, name, id);
        }
      } else {
        this.misses++;
        id = this.take(call);
        for (let i = 0; i < nf; i++) values[id * nf + i] = rows[base + (feats[i] as number)] as number;
        for (const s of this.storeList) s.put(id, rows, base);
        referenced[id] = 0; // a second chance only once it is used again
        this.ownerKey[id] = key;
        this.owner[id] = name;
        head = this.head(key, name); // the eviction above may have taken an entry of this keyword
        next[id] = head;
        this.setHead(key, name, id);
        // over the cap: the least recently used variant not in this call
        let count = 1;
        let last = -1;
        for (let x = head; x >= 0; x = next[x] as number) {
          count++;
          if (usedIn[x] !== call) last = x;
        }
        if (count > VARIANTS_PER_KEYWORD && last >= 0) {
          this.unlink(last);
          this.free.push(last);
        }
      }
      usedIn[id] = call;
      out[r] = id;
    }
    return out;
  }

  /** The first entry of a keyword's chain (−1: none). */
  private head(key: number, name: string): number {
    if (key >= 0) return key < this.headByKey.length ? (this.headByKey[key] as number) : -1;
    return this.headByName.get(name) ?? -1;
  }

  private setHead(key: number, name: string, id: number): void {
    if (key >= 0) {
      if (key >= this.headByKey.length) {
        const grown = new Int32Array(Math.max(key + 1, 2 * this.headByKey.length, 64)).fill(-1);
        grown.set(this.headByKey);
        this.headByKey = grown;
      }
      this.headByKey[key] = id;
    } else if (id < 0) this.headByName.delete(name);
    else this.headByName.set(name, id);
  }

  /** Takes entry x out of its keyword's chain. */
  private unlink(x: number): void {
    const key = this.ownerKey[x] as number;
    const name = this.owner[x] as string;
    const next = this.next;
    const head = this.head(key, name);
    if (head === x) this.setHead(key, name, next[x] as number);
    else {
      let p = head;
      while (next[p] !== x) p = next[p] as number;
      next[p] = next[x] as number;
    }
    next[x] = -1;
    this.owner[x] = '';
    this.ownerKey[x] = -1;
  }

  /**
   * A free entry; when none is, the first entry at or after the clock hand that was not used since the hand last
   * passed it (clearing the reference bits it passes) and is not used by `call`. Rows ≤ capacity, so two turns of the
   * hand find one.
   */
  private take(call: number): number {
    const id = this.free.pop();
    if (id !== undefined) return id;
    const { referenced, usedIn, capacity } = this;
    for (let step = 0; step <= 2 * capacity; step++) {
      const x = this.hand;
      this.hand = x + 1 === capacity ? 0 : x + 1;
      if (usedIn[x] === call) continue;
      if (referenced[x] === 1) {
        referenced[x] = 0;
        continue;
      }
      this.unlink(x);
      return x;
    }
    throw new Error('keyword state cache: every entry is in use by this call');
  }
}

/** Same values, NaN equal to NaN (and 0 to -0: the split decisions cannot tell them apart). */
function matches(
  values: Float64Array,
  at: number,
  rows: Float64Array,
  base: number,
  feats: readonly number[],
): boolean {
  for (let i = 0; i < feats.length; i++) {
    const a = values[at + i] as number;
    const b = rows[base + (feats[i] as number)] as number;
    if (a !== b && (a === a || b === b)) return false;
  }
  return true;
}
