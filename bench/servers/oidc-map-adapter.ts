/** A stored payload and when it expires (epoch ms; `Infinity` without a TTL). */
interface Stored {
  payload: Record<string, unknown>;
  expiresAtMs: number;
}

/**
 * A plain-`Map` adapter for node-oidc-provider (its documented adapter
 * interface: `upsert`, `find`, `consume`, `destroy`, `revokeByGrantId`, ...):
 * no LRU and no per-grant member bookkeeping beyond a `Set` of keys, expiry
 * checked on read. The issue-18 baseline "oidc-provider with a Map adapter".
 * One adapter object per model, all sharing one map per provider instance.
 */
export function mapAdapterFactory(): (model: string) => MapAdapter {
  const records = new Map<string, Stored>();
  const grants = new Map<string, Set<string>>();
  const lookups = new Map<string, string>();
  return (model) => new MapAdapter(model, records, grants, lookups);
}

export class MapAdapter {
  constructor(
    private readonly model: string,
    private readonly records: Map<string, Stored>,
    private readonly grants: Map<string, Set<string>>,
    private readonly lookups: Map<string, string>,
  ) {}

  async upsert(id: string, payload: Record<string, unknown>, expiresIn?: number): Promise<void> {
    const key = `${this.model}:${id}`;
    const expiresAtMs = typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : Number.POSITIVE_INFINITY;
    this.records.set(key, { payload, expiresAtMs });
    const grantId = payload.grantId;
    if (typeof grantId === 'string') {
      let members = this.grants.get(grantId);
      if (!members) this.grants.set(grantId, (members = new Set()));
      members.add(key);
    }
    if (typeof payload.uid === 'string') this.lookups.set(`uid:${payload.uid}`, id);
    if (typeof payload.userCode === 'string') this.lookups.set(`userCode:${payload.userCode}`, id);
  }

  async find(id: string): Promise<Record<string, unknown> | undefined> {
    const key = `${this.model}:${id}`;
    const stored = this.records.get(key);
    if (!stored) return undefined;
    if (stored.expiresAtMs <= Date.now()) {
      this.records.delete(key);
      return undefined;
    }
    return stored.payload;
  }

  async findByUid(uid: string): Promise<Record<string, unknown> | undefined> {
    const id = this.lookups.get(`uid:${uid}`);
    return id === undefined ? undefined : this.find(id);
  }

  async findByUserCode(userCode: string): Promise<Record<string, unknown> | undefined> {
    const id = this.lookups.get(`userCode:${userCode}`);
    return id === undefined ? undefined : this.find(id);
  }

  async consume(id: string): Promise<void> {
    const stored = this.records.get(`${this.model}:${id}`);
    if (stored) stored.payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    this.records.delete(`${this.model}:${id}`);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    for (const key of this.grants.get(grantId) ?? []) this.records.delete(key);
    this.grants.delete(grantId);
  }
}
