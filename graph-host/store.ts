/**
 * In-memory entity store with graph-node's write semantics.
 *
 * - `EntityStore` holds the committed state (what queries see), a reverse index for every field some
 *   `@derivedFrom` points at, and a version per entity type so query caches know when to rebuild.
 * - `BlockWriter` collects one block's writes in two layers, as graph-node's entity cache does: the current
 *   handler's writes (dropped if the handler fails) over the block's writes (committed together at block end).
 *   `set` merges a partial entity into the current one (null fields are removed) and validates the result
 *   against the schema; immutable entities may be rewritten within their block, never later, and never removed.
 */
import type { Schema, TypeDef } from "./schema";
import { HostError, normalizeHex, parseBigInt, type Entity, type Value } from "./values";

type Layer = Map<string, Map<string, Entity | null>>;

/** The store key of an id value: the string, lowercase hex for Bytes, decimal for Int8. */
export function idKeyOf(value: Value): string | null {
  switch (value.kind) {
    case "String":
    case "Bytes":
      return value.value;
    case "Int8":
      return value.value.toString();
    default:
      return null;
  }
}

/** Parses the id string a mapping passes to `store.*` into the store key and the id value. */
export function parseId(type: TypeDef, id: string): { key: string; value: Value } {
  switch (type.idType) {
    case "String":
      return { key: id, value: { kind: "String", value: id } };
    case "Bytes": {
      const hex = normalizeHex(id);
      if (hex === null) throw new HostError(`Entity ${type.name}: id \`${id}\` is not a valid hex string for a Bytes id`);
      return { key: hex, value: { kind: "Bytes", value: hex } };
    }
    case "Int8": {
      const n = parseBigInt(id);
      if (n === null || n < -(2n ** 63n) || n >= 2n ** 63n) throw new HostError(`Entity ${type.name}: id \`${id}\` is not an Int8`);
      return { key: n.toString(), value: { kind: "Int8", value: n } };
    }
  }
}

/** The id keys a reference value points at (one for a single reference, each element for a list). */
function referencedKeys(value: Value | undefined): string[] {
  if (value === undefined || value.kind === "Null") return [];
  if (value.kind === "List") return value.value.map(idKeyOf).filter((k): k is string => k !== null);
  const k = idKeyOf(value);
  return k === null ? [] : [k];
}

export class EntityStore {
  private readonly tables = new Map<string, Map<string, Entity>>();
  private readonly changedAt = new Map<string, Map<string, number>>();
  private readonly versions = new Map<string, number>();
  /** `${type}.${field}` -> referenced id -> ids of entities of `type` whose `field` references it. */
  private readonly reverse = new Map<string, Map<string, Set<string>>>();
  private readonly reverseFields = new Map<string, string[]>();

  constructor(readonly schema: Schema) {
    for (const t of schema.types.values()) {
      if (!t.isInterface) {
        this.tables.set(t.name, new Map());
        this.changedAt.set(t.name, new Map());
        this.versions.set(t.name, 0);
      }
    }
    for (const { type, field } of schema.derivedTargets) {
      this.reverse.set(`${type}.${field}`, new Map());
      this.reverseFields.set(type, [...(this.reverseFields.get(type) ?? []), field]);
    }
  }

  get(type: string, key: string): Entity | undefined {
    return this.tables.get(type)?.get(key);
  }

  table(type: string): ReadonlyMap<string, Entity> {
    const t = this.tables.get(type);
    if (!t) throw new HostError(`unknown entity type ${type}`);
    return t;
  }

  /** Block number of the last change of a committed entity. */
  lastChange(type: string, key: string): number | undefined {
    return this.changedAt.get(type)?.get(key);
  }

  /** Bumped on every commit that touches the type. */
  version(type: string): number {
    return this.versions.get(type) ?? 0;
  }

  count(type: string): number {
    return this.tables.get(type)?.size ?? 0;
  }

  /** Committed entities of `type` whose `field` references `key`; null when that field has no reverse index. */
  referencing(type: string, field: string, key: string): ReadonlySet<string> | null {
    const index = this.reverse.get(`${type}.${field}`);
    if (!index) return null;
    return index.get(key) ?? EMPTY_SET;
  }

  /** Applies a block's writes. */
  commit(layer: Layer, block: number): void {
    for (const [type, rows] of layer) {
      const table = this.tables.get(type) as Map<string, Entity>;
      const changed = this.changedAt.get(type) as Map<string, number>;
      const fields = this.reverseFields.get(type) ?? [];
      for (const [key, entity] of rows) {
        const old = table.get(key);
        for (const field of fields) {
          const index = this.reverse.get(`${type}.${field}`) as Map<string, Set<string>>;
          for (const ref of referencedKeys(old?.get(field))) index.get(ref)?.delete(key);
          for (const ref of referencedKeys(entity?.get(field))) {
            let ids = index.get(ref);
            if (!ids) index.set(ref, (ids = new Set()));
            ids.add(key);
          }
        }
        if (entity === null) {
          table.delete(key);
          changed.delete(key);
        } else {
          table.set(key, entity);
          changed.set(key, block);
        }
      }
      this.versions.set(type, (this.versions.get(type) ?? 0) + 1);
    }
  }
}

const EMPTY_SET: ReadonlySet<string> = new Set();

export type GetScope = "store" | "block";

export class BlockWriter {
  private readonly blockLayer: Layer = new Map();
  private handlerLayer: Layer = new Map();

  constructor(
    private readonly store: EntityStore,
    readonly blockNumber: number,
  ) {}

  get schema(): Schema {
    return this.store.schema;
  }

  /** Starts a handler: its writes stay separate until `endHandler(true)`. */
  beginHandler(): void {
    this.handlerLayer = new Map();
  }

  endHandler(keep: boolean): void {
    if (keep) {
      for (const [type, rows] of this.handlerLayer) {
        let target = this.blockLayer.get(type);
        if (!target) this.blockLayer.set(type, (target = new Map()));
        for (const [key, entity] of rows) target.set(key, entity);
      }
    }
    this.handlerLayer = new Map();
  }

  /** Commits the block to the store. */
  commit(): void {
    this.store.commit(this.blockLayer, this.blockNumber);
    this.blockLayer.clear();
  }

  /** Current state: the handler's writes, then the block's, then (scope "store") the committed store. */
  get(type: string, key: string, scope: GetScope): Entity | null {
    const fromHandler = this.handlerLayer.get(type)?.get(key);
    if (fromHandler !== undefined) return fromHandler;
    const fromBlock = this.blockLayer.get(type)?.get(key);
    if (fromBlock !== undefined) return fromBlock;
    if (scope === "block") return null;
    return this.store.get(type, key) ?? null;
  }

  private put(type: string, key: string, entity: Entity | null): void {
    let rows = this.handlerLayer.get(type);
    if (!rows) this.handlerLayer.set(type, (rows = new Map()));
    rows.set(key, entity);
  }

  /**
   * `store.set`: `data` may be partial. Checks the id, unknown fields (when `strictFields`), merges, validates.
   */
  set(typeName: string, id: string, data: Entity, strictFields: boolean): void {
    const type = this.schema.entityType(typeName);
    const { key, value: idValue } = parseId(type, id);
    const given = data.get("id");
    if (given !== undefined && given.kind !== "Null") {
      if (given.kind !== idValue.kind) {
        throw new HostError(`Attribute \`${type.name}.id\` has wrong type: expected ${type.idType} but got ${given.kind}`);
      }
      const givenKey = given.kind === "Bytes" ? normalizeHex(given.value) : idKeyOf(given);
      if (givenKey !== key) {
        throw new HostError(
          `Value of ${type.name} attribute 'id' conflicts with ID passed to \`store.set()\`: ${String(idKeyOf(given))} != ${key}`,
        );
      }
    }
    if (strictFields) this.schema.checkUndefinedFields(type, data.keys());
    let current: Entity | null;
    if (type.immutable) {
      if (this.store.get(type.name, key) !== undefined) {
        throw new HostError(
          `entity ${type.name}[${key}] is immutable; inserting it at block ${this.blockNumber} is not possible as it was already inserted at block ${this.store.lastChange(type.name, key) ?? "?"}`,
        );
      }
      current = this.get(type.name, key, "block");
    } else {
      current = this.get(type.name, key, "store");
    }
    const merged: Entity = new Map(current ?? []);
    for (const [field, v] of data) {
      if (!type.fields.has(field)) continue;
      if (v.kind === "Null") merged.delete(field);
      else merged.set(field, v);
    }
    merged.set("id", idValue);
    this.schema.validate(type, key, merged);
    this.put(type.name, key, merged);
  }

  /** `store.remove`. Removing a missing entity is a no-op, as in graph-node. */
  remove(typeName: string, id: string): void {
    const type = this.schema.entityType(typeName);
    const { key } = parseId(type, id);
    if (type.immutable) {
      throw new HostError(`immutable entity type ${type.name} only allows inserts, not Remove { key: ${type.name}[${key}] }`);
    }
    this.put(type.name, key, null);
  }

  /**
   * `store.loadRelated(type, id, field)`: the entities that the derived field `type.field` of entity `id` resolves
   * to, in their current in-block state, sorted by id.
   */
  loadRelated(typeName: string, id: string, fieldName: string): Array<{ type: string; entity: Entity }> {
    const type = this.schema.entityType(typeName);
    const field = type.fields.get(fieldName);
    if (!field || field.derivedFrom === null || field.target === null) {
      throw new HostError(`Entity ${type.name}: field \`${fieldName}\` is not a derived field`);
    }
    const { key } = parseId(type, id);
    const out: Array<{ type: string; id: string; entity: Entity }> = [];
    for (const target of this.schema.concreteTypes(field.target)) {
      const candidates = new Set<string>(this.store.referencing(target, field.derivedFrom, key) ?? []);
      for (const layer of [this.blockLayer, this.handlerLayer]) {
        for (const k of layer.get(target)?.keys() ?? []) candidates.add(k);
      }
      for (const k of candidates) {
        const entity = this.get(target, k, "store");
        if (entity && referencedKeys(entity.get(field.derivedFrom)).includes(key)) out.push({ type: target, id: k, entity });
      }
    }
    out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return out.map(({ type: t, entity }) => ({ type: t, entity }));
  }
}

