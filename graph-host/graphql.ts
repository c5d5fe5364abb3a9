/**
 * graph-node's query API over the in-memory store.
 *
 * Root fields per entity type and interface: `<singular>(id:)` and `<plural>(first, skip, orderBy, orderDirection,
 * where)`, named as graph-node names them, plus `_meta { block { number hash timestamp parentHash } deployment
 * hasIndexingErrors }`. Entity list fields (stored or `@derivedFrom`) take the same collection arguments.
 * Filters: `field`, `_not`, `_gt`, `_gte`, `_lt`, `_lte`, `_in`, `_not_in`, the string/bytes `_contains`,
 * `_starts_with`, `_ends_with` families (with `_nocase` and `_not_` variants), list `_contains`/`_not_contains`,
 * child filters `field_: {...}` on references and derived fields, `and`/`or`, `_change_block`. Ordering is by the
 * field then by id in the same direction, nulls last ascending and first descending (Postgres), `first` defaults
 * to 100 and must be 1..1000. Values come back as graph-node serialises them: BigInt, BigDecimal, Int8 and
 * Timestamp as strings, Bytes as lowercase hex.
 *
 * Not a full GraphQL implementation: no introspection, no schema validation of the query beyond field and filter
 * names, no time travel (`block: { number }` must be the latest block).
 */
import {
  Kind,
  parse,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
  GraphQLError,
} from "graphql";
import type { BlockPointer } from "./indexer";
import type { FieldDef, Schema, TypeDef } from "./schema";
import { idKeyOf, type EntityStore } from "./store";
import { BigDecimal, compareValues, normalizeHex, parseBigInt, valuesEqual, type Entity, type Value } from "./values";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Input = Json;

export interface QueryResult {
  data?: { [key: string]: Json } | null;
  errors?: Array<{ message: string }>;
}

export interface MetaSource {
  block(): BlockPointer | null;
  hasIndexingErrors(): boolean;
  readonly deployment: string;
}

export class QueryError extends Error {}

const MAX_FIRST = 1000;

interface Row {
  readonly type: string;
  readonly key: string;
  readonly entity: Entity;
}

type Predicate = (row: Row) => boolean;

interface Ctx {
  readonly variables: Readonly<Record<string, Json>>;
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
}

/** Serialises a stored value as graph-node does. */
export function serialize(v: Value | undefined): Json {
  if (v === undefined) return null;
  switch (v.kind) {
    case "Null":
      return null;
    case "String":
    case "Bytes":
      return v.value;
    case "Int":
      return v.value;
    case "Boolean":
      return v.value;
    case "Int8":
    case "Timestamp":
    case "BigInt":
      return v.value.toString();
    case "BigDecimal":
      return v.value.toString();
    case "List":
      return v.value.map(serialize);
  }
}

const STRING_OPS = [
  "not_contains_nocase",
  "not_contains",
  "contains_nocase",
  "contains",
  "not_starts_with_nocase",
  "not_starts_with",
  "starts_with_nocase",
  "starts_with",
  "not_ends_with_nocase",
  "not_ends_with",
  "ends_with_nocase",
  "ends_with",
  "not_in",
  "in",
  "not",
  "gte",
  "gt",
  "lte",
  "lt",
] as const;
type Op = (typeof STRING_OPS)[number] | "eq";

function opsFor(field: FieldDef): ReadonlySet<Op> {
  if (field.type.list) {
    return new Set<Op>(["eq", "not", "contains", "contains_nocase", "not_contains", "not_contains_nocase"]);
  }
  if (field.kind === "enum" || field.valueType === "Boolean") return new Set<Op>(["eq", "not", "in", "not_in"]);
  if (field.valueType === "String") return new Set<Op>(["eq", ...STRING_OPS]);
  if (field.valueType === "Bytes") {
    return new Set<Op>(["eq", "not", "gt", "lt", "gte", "lte", "in", "not_in", "contains", "not_contains"]);
  }
  return new Set<Op>(["eq", "not", "gt", "lt", "gte", "lte", "in", "not_in"]);
}

/** Converts a filter or id argument to a stored value of `kind`. */
function coerce(kind: FieldDef["valueType"], input: Input, what: string): Value {
  const fail = (): never => {
    throw new QueryError(`Failed to decode \`${kind}\` value: \`${JSON.stringify(input)}\` (${what})`);
  };
  if (input === null) return { kind: "Null" };
  switch (kind) {
    case "String":
      return typeof input === "string" ? { kind: "String", value: input } : fail();
    case "Int":
      return typeof input === "number" && Number.isInteger(input) ? { kind: "Int", value: input } : fail();
    case "Int8":
    case "Timestamp":
    case "BigInt": {
      const n = typeof input === "number" && Number.isInteger(input) ? BigInt(input) : typeof input === "string" ? parseBigInt(input) : null;
      return n === null ? fail() : { kind, value: n };
    }
    case "BigDecimal": {
      const d = typeof input === "number" || typeof input === "string" ? BigDecimal.parse(String(input)) : null;
      return d === null ? fail() : { kind: "BigDecimal", value: d };
    }
    case "Boolean":
      return typeof input === "boolean" ? { kind: "Boolean", value: input } : fail();
    case "Bytes": {
      const hex = typeof input === "string" ? normalizeHex(input) : null;
      return hex === null ? fail() : { kind: "Bytes", value: hex };
    }
  }
}

function textOf(v: Value): string | null {
  return v.kind === "String" || v.kind === "Bytes" ? v.value : null;
}

/** Bytes containment on byte boundaries. */
function bytesContains(hay: string, needle: string): boolean {
  const h = hay.slice(2);
  const n = needle.slice(2);
  for (let i = h.indexOf(n); i >= 0; i = h.indexOf(n, i + 1)) if (i % 2 === 0) return true;
  return false;
}

function scalarOp(op: Op, stored: Value, arg: Value | readonly Value[]): boolean {
  if (op === "eq" || op === "not") {
    const a = arg as Value;
    if (a.kind === "Null") return op === "eq" ? stored.kind === "Null" : stored.kind !== "Null";
    if (stored.kind === "Null") return false;
    return op === "eq" ? valuesEqual(stored, a) : !valuesEqual(stored, a);
  }
  if (stored.kind === "Null") return false;
  switch (op) {
    case "gt":
      return compareValues(stored, arg as Value) > 0;
    case "gte":
      return compareValues(stored, arg as Value) >= 0;
    case "lt":
      return compareValues(stored, arg as Value) < 0;
    case "lte":
      return compareValues(stored, arg as Value) <= 0;
    case "in":
      return (arg as readonly Value[]).some((a) => valuesEqual(stored, a));
    case "not_in":
      return !(arg as readonly Value[]).some((a) => valuesEqual(stored, a));
    default: {
      const s = textOf(stored);
      const a = textOf(arg as Value);
      if (s === null || a === null) return false;
      const nocase = op.endsWith("_nocase");
      const hay = nocase ? s.toLowerCase() : s;
      const needle = nocase ? a.toLowerCase() : a;
      const negate = op.startsWith("not_");
      let hit: boolean;
      if (op.includes("contains")) hit = stored.kind === "Bytes" ? bytesContains(hay, needle) : hay.includes(needle);
      else if (op.includes("starts_with")) hit = hay.startsWith(needle);
      else hit = hay.endsWith(needle);
      return negate ? !hit : hit;
    }
  }
}

function listOp(op: Op, stored: Value, arg: Value): boolean {
  if (op === "eq" || op === "not") {
    if (arg.kind === "Null") return op === "eq" ? stored.kind === "Null" : stored.kind !== "Null";
    if (stored.kind === "Null") return false;
    return op === "eq" ? valuesEqual(stored, arg) : !valuesEqual(stored, arg);
  }
  if (stored.kind !== "List" || arg.kind !== "List") return false;
  const nocase = op.endsWith("_nocase");
  const norm = (v: Value): Value => (nocase && v.kind === "String" ? { kind: "String", value: v.value.toLowerCase() } : v);
  const have = stored.value.map(norm);
  const all = arg.value.map(norm).every((x) => have.some((h) => valuesEqual(h, x)));
  return op.startsWith("not_") ? !all : all;
}

export class QueryEngine {
  private readonly sortCache = new Map<string, { version: string; rows: Row[] }>();

  constructor(
    private readonly schema: Schema,
    private readonly store: EntityStore,
    private readonly meta: MetaSource,
  ) {}

  /** Executes a query document; never throws. */
  execute(query: string, variables?: Record<string, Json> | null, operationName?: string | null): QueryResult {
    let doc: DocumentNode;
    try {
      doc = parse(query);
    } catch (e) {
      return { errors: [{ message: e instanceof GraphQLError ? e.message : String(e) }] };
    }
    try {
      const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
      const op = operationName ? ops.find((o) => o.name?.value === operationName) : ops.length === 1 ? ops[0] : undefined;
      if (!op) throw new QueryError(operationName ? `Operation name not found \`${operationName}\`` : "Operation name required");
      if (op.operation !== "query") throw new QueryError(`Not supported: ${op.operation} operations`);
      const fragments = new Map<string, FragmentDefinitionNode>();
      for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
      const vars: Record<string, Json> = {};
      for (const def of op.variableDefinitions ?? []) {
        const name = def.variable.name.value;
        const given = variables?.[name];
        if (given !== undefined) vars[name] = given;
        else if (def.defaultValue) vars[name] = this.input(def.defaultValue, { variables: {}, fragments });
        else if (def.type.kind === Kind.NON_NULL_TYPE) throw new QueryError(`No value provided for required variable \`${name}\``);
        else vars[name] = null;
      }
      const ctx: Ctx = { variables: vars, fragments };
      return { data: this.root(op.selectionSet, ctx) };
    } catch (e) {
      if (e instanceof QueryError) return { errors: [{ message: e.message }] };
      return { errors: [{ message: `internal error: ${e instanceof Error ? e.message : String(e)}` }] };
    }
  }

  /* SELECTIONS */

  /** The fields of a selection set that apply to `typeName` (fragments expanded, @skip/@include applied). */
  private fields(set: SelectionSetNode, typeName: string, ctx: Ctx): FieldNode[] {
    const out: FieldNode[] = [];
    const applies = (cond: string | undefined): boolean => {
      if (cond === undefined || cond === typeName) return true;
      const t = this.schema.types.get(typeName);
      return t !== undefined && !t.isInterface && t.related.includes(cond);
    };
    const included = (node: { readonly directives?: readonly { name: { value: string }; arguments?: readonly { name: { value: string }; value: ValueNode }[] }[] }): boolean => {
      for (const d of node.directives ?? []) {
        const ifArg = d.arguments?.find((a) => a.name.value === "if");
        const value = ifArg ? this.input(ifArg.value, ctx) === true : false;
        if (d.name.value === "skip" && value) return false;
        if (d.name.value === "include" && !value) return false;
      }
      return true;
    };
    for (const sel of set.selections) {
      if (!included(sel)) continue;
      if (sel.kind === Kind.FIELD) out.push(sel);
      else if (sel.kind === Kind.INLINE_FRAGMENT) {
        if (applies(sel.typeCondition?.name.value)) out.push(...this.fields(sel.selectionSet, typeName, ctx));
      } else {
        const frag = ctx.fragments.get(sel.name.value);
        if (!frag) throw new QueryError(`Unknown fragment \`${sel.name.value}\``);
        if (applies(frag.typeCondition.name.value)) out.push(...this.fields(frag.selectionSet, typeName, ctx));
      }
    }
    return out;
  }

  private args(field: FieldNode, ctx: Ctx): Record<string, Input> {
    const out: Record<string, Input> = {};
    for (const a of field.arguments ?? []) out[a.name.value] = this.input(a.value, ctx);
    return out;
  }

  private input(v: ValueNode, ctx: Ctx): Input {
    switch (v.kind) {
      case Kind.VARIABLE:
        return ctx.variables[v.name.value] ?? null;
      case Kind.INT: {
        const n = Number(v.value);
        return Number.isSafeInteger(n) ? n : v.value;
      }
      case Kind.FLOAT:
        return v.value;
      case Kind.STRING:
      case Kind.ENUM:
        return v.value;
      case Kind.BOOLEAN:
        return v.value;
      case Kind.NULL:
        return null;
      case Kind.LIST:
        return v.values.map((x) => this.input(x, ctx));
      case Kind.OBJECT: {
        const o: Record<string, Input> = {};
        for (const f of v.fields) o[f.name.value] = this.input(f.value, ctx);
        return o;
      }
    }
  }

  private root(set: SelectionSetNode, ctx: Ctx): { [key: string]: Json } {
    const out: { [key: string]: Json } = {};
    for (const field of this.fields(set, "Query", ctx)) {
      const name = field.name.value;
      const key = field.alias?.value ?? name;
      const args = this.args(field, ctx);
      if (name === "__typename") {
        out[key] = "Query";
      } else if (name === "_meta") {
        out[key] = this.metaField(field, ctx);
      } else if (name === "__schema" || name === "__type") {
        throw new QueryError("Not supported: introspection queries");
      } else if (this.schema.singularFields.has(name)) {
        this.checkBlock(args);
        const type = this.schema.types.get(this.schema.singularFields.get(name) as string) as TypeDef;
        if (args["id"] === undefined || args["id"] === null) throw new QueryError("No value provided for required argument: `id`");
        const row = this.byId(type.name, args["id"]);
        out[key] = row === null ? null : this.object(row, field, ctx);
      } else if (this.schema.pluralFields.has(name)) {
        this.checkBlock(args);
        const type = this.schema.types.get(this.schema.pluralFields.get(name) as string) as TypeDef;
        out[key] = this.collection(type, null, args).map((r) => this.object(r, field, ctx));
      } else {
        throw new QueryError(`Type \`Query\` has no field \`${name}\``);
      }
    }
    return out;
  }

  private metaField(field: FieldNode, ctx: Ctx): Json {
    const out: { [key: string]: Json } = {};
    const block = this.meta.block();
    for (const f of this.fields(field.selectionSet ?? { kind: Kind.SELECTION_SET, selections: [] }, "_Meta_", ctx)) {
      const key = f.alias?.value ?? f.name.value;
      switch (f.name.value) {
        case "__typename":
          out[key] = "_Meta_";
          break;
        case "deployment":
          out[key] = this.meta.deployment;
          break;
        case "hasIndexingErrors":
          out[key] = this.meta.hasIndexingErrors();
          break;
        case "block": {
          if (block === null) {
            out[key] = null;
            break;
          }
          const b: { [key: string]: Json } = {};
          for (const bf of this.fields(f.selectionSet ?? { kind: Kind.SELECTION_SET, selections: [] }, "_Block_", ctx)) {
            const bk = bf.alias?.value ?? bf.name.value;
            const values: Record<string, Json> = {
              number: block.number,
              hash: block.hash,
              parentHash: block.parentHash,
              timestamp: block.timestamp,
              __typename: "_Block_",
            };
            if (!(bf.name.value in values)) throw new QueryError(`Type \`_Block_\` has no field \`${bf.name.value}\``);
            b[bk] = values[bf.name.value] as Json;
          }
          out[key] = b;
          break;
        }
        default:
          throw new QueryError(`Type \`_Meta_\` has no field \`${f.name.value}\``);
      }
    }
    return out;
  }

  /** Only the latest state is kept: `block: { number }` must not name an older block. */
  private checkBlock(args: Record<string, Input>): void {
    const b = args["block"];
    if (b === undefined || b === null) return;
    if (typeof b !== "object" || Array.isArray(b)) throw new QueryError("Invalid value provided for argument `block`");
    const latest = this.meta.block()?.number ?? -1;
    const n = b["number"];
    const gte = b["number_gte"];
    if (typeof n === "number") {
      if (n > latest) {
        throw new QueryError(`Failed to decode \`block.number\` value: \`subgraph has only indexed up to block number ${latest} and data for block number ${n} is therefore not yet available\``);
      }
      if (n < latest) throw new QueryError(`Not supported: time-travel queries (block ${n}; this host keeps only the latest block, ${latest})`);
    }
    if (typeof gte === "number" && gte > latest) {
      throw new QueryError(`Failed to decode \`block.number_gte\` value: \`subgraph has only indexed up to block number ${latest} and data for block number ${gte} is therefore not yet available\``);
    }
    if (typeof b["hash"] === "string" && b["hash"].toLowerCase() !== this.meta.block()?.hash) {
      throw new QueryError("Not supported: time-travel queries by block hash other than the latest block");
    }
  }

  /* ENTITIES */

  private byId(typeName: string, id: Input): Row | null {
    for (const t of this.schema.concreteTypes(typeName)) {
      const def = this.schema.types.get(t) as TypeDef;
      const v = coerce(def.idType, typeof id === "number" ? String(id) : id, "id");
      const key = idKeyOf(v);
      if (key === null) continue;
      const entity = this.store.get(t, key);
      if (entity) return { type: t, key, entity };
    }
    return null;
  }

  private object(row: Row, field: FieldNode, ctx: Ctx): Json {
    const type = this.schema.types.get(row.type) as TypeDef;
    if (!field.selectionSet) throw new QueryError(`Field \`${field.name.value}\` of type \`${type.name}\` must have a selection of subfields`);
    const out: { [key: string]: Json } = {};
    for (const f of this.fields(field.selectionSet, row.type, ctx)) {
      const name = f.name.value;
      const key = f.alias?.value ?? name;
      if (name === "__typename") {
        out[key] = row.type;
        continue;
      }
      const def = type.fields.get(name);
      if (!def) throw new QueryError(`Type \`${type.name}\` has no field \`${name}\``);
      if (def.kind === "scalar" || def.kind === "enum") {
        out[key] = serialize(row.entity.get(name));
        continue;
      }
      const args = this.args(f, ctx);
      const related = this.related(row, def);
      if (def.type.list) {
        const target = this.schema.types.get(def.target as string) as TypeDef;
        out[key] = this.collection(target, related, args).map((r) => this.object(r, f, ctx));
      } else {
        const first = related.sort((a, b) => compareKeys(a, b))[0];
        out[key] = first === undefined ? null : this.object(first, f, ctx);
      }
    }
    return out;
  }

  /** The rows a reference or derived field of `row` points at (unordered). */
  private related(row: Row, def: FieldDef): Row[] {
    const target = def.target as string;
    if (def.derivedFrom !== null) {
      const out: Row[] = [];
      for (const t of this.schema.concreteTypes(target)) {
        const keys = this.store.referencing(t, def.derivedFrom, row.key);
        for (const k of keys ?? []) {
          const e = this.store.get(t, k);
          if (e) out.push({ type: t, key: k, entity: e });
        }
      }
      return out;
    }
    const v = row.entity.get(def.name);
    if (v === undefined || v.kind === "Null") return [];
    const keys = (v.kind === "List" ? v.value : [v]).map(idKeyOf).filter((k): k is string => k !== null);
    const out: Row[] = [];
    for (const k of keys) {
      for (const t of this.schema.concreteTypes(target)) {
        const e = this.store.get(t, k);
        if (e) {
          out.push({ type: t, key: k, entity: e });
          break;
        }
      }
    }
    return out;
  }

  /* COLLECTIONS */

  private collection(type: TypeDef, rows: Row[] | null, args: Record<string, Input>): Row[] {
    const firstArg = args["first"];
    const skipArg = args["skip"];
    const first = firstArg === undefined || firstArg === null ? 100 : Number(firstArg);
    const skip = skipArg === undefined || skipArg === null ? 0 : Number(skipArg);
    if (!Number.isInteger(first) || first <= 0 || first > MAX_FIRST) {
      throw new QueryError(`The \`first\` argument must be between 0 and ${MAX_FIRST}, but is ${String(firstArg)}`);
    }
    if (!Number.isInteger(skip) || skip < 0) throw new QueryError(`The \`skip\` argument must be between 0 and 4294967295, but is ${String(skipArg)}`);
    const where = args["where"];
    const predicate = where === undefined || where === null ? null : this.filter(type, where);
    const orderBy = args["orderBy"];
    const dirArg = args["orderDirection"];
    if (dirArg !== undefined && dirArg !== null && dirArg !== "asc" && dirArg !== "desc") {
      throw new QueryError(`Invalid value provided for argument \`orderDirection\`: ${JSON.stringify(dirArg)}`);
    }
    const desc = dirArg === "desc";
    const sortKey = this.sortKey(type, typeof orderBy === "string" ? orderBy : null);
    let sorted: Row[];
    if (rows === null) {
      sorted = this.sortedAll(type, typeof orderBy === "string" ? orderBy : "id", desc, sortKey);
    } else {
      sorted = sortRows(rows, sortKey, desc);
    }
    const out: Row[] = [];
    let skipped = 0;
    for (const r of sorted) {
      if (predicate && !predicate(r)) continue;
      if (skipped < skip) {
        skipped += 1;
        continue;
      }
      out.push(r);
      if (out.length >= first) break;
    }
    return out;
  }

  /** All rows of a type (or an interface's implementers) sorted; cached until the store changes those types. */
  private sortedAll(type: TypeDef, orderBy: string, desc: boolean, key: SortKey): Row[] {
    const concrete = this.schema.concreteTypes(type.name);
    const version = concrete.map((t) => this.store.version(t)).join(",");
    const cacheKey = `${type.name}|${orderBy}|${desc ? "desc" : "asc"}`;
    const cached = this.sortCache.get(cacheKey);
    if (cached && cached.version === version) return cached.rows;
    const rows: Row[] = [];
    for (const t of concrete) for (const [k, e] of this.store.table(t)) rows.push({ type: t, key: k, entity: e });
    const sorted = sortRows(rows, key, desc);
    this.sortCache.set(cacheKey, { version, rows: sorted });
    return sorted;
  }

  /** How to read the sort value of a row for `orderBy` (null: by id). */
  private sortKey(type: TypeDef, orderBy: string | null): SortKey {
    if (orderBy === null || orderBy === "id") return null;
    const [fieldName, childName] = orderBy.split("__") as [string, string | undefined];
    const def = type.fields.get(fieldName);
    if (!def) throw new QueryError(`Ordering by \`${orderBy}\` is not supported for type \`${type.name}\``);
    if (childName === undefined) {
      if (def.derivedFrom !== null) throw new QueryError(`Ordering by \`${orderBy}\` is not supported for type \`${type.name}\``);
      return (r) => r.entity.get(fieldName);
    }
    if (def.type.list || (def.kind !== "entity" && def.kind !== "interface")) {
      throw new QueryError(`Ordering by \`${orderBy}\` is not supported for type \`${type.name}\``);
    }
    const target = this.schema.types.get(def.target as string) as TypeDef;
    const child = target.fields.get(childName);
    if (!child || child.type.list || child.derivedFrom !== null) {
      throw new QueryError(`Ordering by \`${orderBy}\` is not supported for type \`${type.name}\``);
    }
    return (r) => {
      const rel = this.related(r, def)[0];
      return rel === undefined ? undefined : childName === "id" ? idValue(rel) : rel.entity.get(childName);
    };
  }

  /* FILTERS */

  private filter(type: TypeDef, where: Input): Predicate {
    if (typeof where !== "object" || where === null || Array.isArray(where)) throw new QueryError("Filter must by an object");
    const keys = Object.keys(where);
    if (keys.includes("or")) {
      const columns = keys.filter((k) => k !== "or" && k !== "and" && k !== "_change_block").map((k) => `'${k}'`);
      if (columns.length > 0) {
        const list = columns.join(", ");
        throw new QueryError(
          `Cannot mix column filters with 'or' operator at the same level. Found column filter(s) ${list} alongside 'or' operator.\n\nInstead of:\nwhere: { ${list}, or: [...] }\n\nUse:\nwhere: { or: [{ ${list}, ... }, { ${list}, ... }] }`,
        );
      }
    }
    const parts: Predicate[] = keys.map((k) => this.filterPart(type, k, where[k] as Input));
    return (r) => parts.every((p) => p(r));
  }

  private filterPart(type: TypeDef, key: string, value: Input): Predicate {
    if (key === "and" || key === "or") {
      if (!Array.isArray(value)) throw new QueryError("Filter must by an object");
      const subs = value.map((v) => this.filter(type, v));
      return key === "and" ? (r) => subs.every((p) => p(r)) : (r) => subs.some((p) => p(r));
    }
    if (key === "_change_block") {
      const n = typeof value === "object" && value !== null && !Array.isArray(value) ? value["number_gte"] : undefined;
      if (typeof n !== "number") throw new QueryError("Filter must by an object");
      return (r) => (this.store.lastChange(r.type, r.key) ?? -1) >= n;
    }
    if (key.endsWith("_") && type.fields.has(key.slice(0, -1))) {
      const def = type.fields.get(key.slice(0, -1)) as FieldDef;
      if (def.kind !== "entity" && def.kind !== "interface") throw new QueryError(`Type \`${type.name}_filter\` has no field \`${key}\``);
      const target = this.schema.types.get(def.target as string) as TypeDef;
      const sub = this.filter(target, value);
      return (r) => this.related(r, def).some(sub);
    }
    let fieldName = key;
    let op: Op = "eq";
    if (!type.fields.has(key)) {
      const suffix = STRING_OPS.find((s) => key.endsWith(`_${s}`) && type.fields.has(key.slice(0, -(s.length + 1))));
      if (suffix === undefined) throw new QueryError(`Type \`${type.name}_filter\` has no field \`${key}\``);
      op = suffix;
      fieldName = key.slice(0, -(suffix.length + 1));
    }
    const def = type.fields.get(fieldName) as FieldDef;
    if (def.derivedFrom !== null || !opsFor(def).has(op)) throw new QueryError(`Type \`${type.name}_filter\` has no field \`${key}\``);
    const get = (r: Row): Value => (fieldName === "id" ? idValue(r) : r.entity.get(fieldName) ?? { kind: "Null" });
    if (def.type.list) {
      if (value !== null && !Array.isArray(value)) throw new QueryError(`Non-list value passed to \`${key}\` filter`);
      const arg: Value = value === null ? { kind: "Null" } : { kind: "List", value: value.map((v) => coerce(def.valueType, v, key)) };
      return (r) => listOp(op, get(r), arg);
    }
    if (op === "in" || op === "not_in") {
      if (!Array.isArray(value)) throw new QueryError(`Non-list value passed to \`${key}\` filter`);
      const arg = value.map((v) => coerce(def.valueType, v, key));
      return (r) => scalarOp(op, get(r), arg);
    }
    const arg = coerce(def.valueType, def.valueType === "String" && typeof value === "number" ? String(value) : value, key);
    if (arg.kind === "Null" && op !== "eq" && op !== "not") throw new QueryError(`Failed to decode \`${def.valueType}\` value: \`null\` (${key})`);
    return (r) => scalarOp(op, get(r), arg);
  }
}

type SortKey = ((r: Row) => Value | undefined) | null;

function idValue(r: Row): Value {
  return r.entity.get("id") ?? { kind: "String", value: r.key };
}

function compareKeys(a: Row, b: Row): number {
  return compareValues(idValue(a), idValue(b));
}

/** Sorts by the key (nulls last ascending, first descending), then by id in the same direction. */
function sortRows(rows: Row[], key: SortKey, desc: boolean): Row[] {
  const sign = desc ? -1 : 1;
  if (key === null) return [...rows].sort((a, b) => sign * compareKeys(a, b));
  const decorated = rows.map((r) => ({ r, k: key(r) ?? ({ kind: "Null" } as Value) }));
  decorated.sort((a, b) => {
    const c = compareValues(a.k, b.k);
    if (c !== 0) return sign * c;
    return sign * compareKeys(a.r, b.r);
  });
  return decorated.map((d) => d.r);
}
