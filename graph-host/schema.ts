/**
 * The subgraph schema (`schema.graphql`): entity types, interfaces, enums, field types, `@derivedFrom`, and the
 * validation graph-node applies to every `store.set` (types, non-null fields, derived fields, unknown fields).
 */
import { Kind, parse, type FieldDefinitionNode, type TypeNode, type ConstDirectiveNode } from "graphql";
import { displayValue, HostError, typeName, type Entity, type ScalarKind, type Value } from "./values";

export type IdType = "String" | "Bytes" | "Int8";

export interface FieldType {
  /** The named type at the bottom (`Bytes` in `[Bytes!]!`). */
  readonly named: string;
  readonly list: boolean;
  readonly nonNull: boolean;
  /** For lists: whether the items are non-null. */
  readonly itemNonNull: boolean;
  /** The type as written, e.g. `[Bytes!]!`. */
  readonly text: string;
}

export type FieldKind = "scalar" | "enum" | "entity" | "interface";

export interface FieldDef {
  readonly name: string;
  readonly type: FieldType;
  readonly kind: FieldKind;
  /** How values are stored: the scalar, `String` for enums, the target's id type for references. */
  readonly valueType: ScalarKind;
  /** For `entity`/`interface` fields: the referenced type. For enums: the enum's name. */
  readonly target: string | null;
  /** `@derivedFrom(field:)`, or null. */
  readonly derivedFrom: string | null;
}

export interface TypeDef {
  readonly name: string;
  readonly isInterface: boolean;
  readonly fields: ReadonlyMap<string, FieldDef>;
  readonly immutable: boolean;
  readonly idType: IdType;
  /** For object types: the interfaces it implements. For interfaces: the object types implementing it. */
  readonly related: readonly string[];
  /** Query field names, as graph-node derives them. */
  readonly singular: string;
  readonly plural: string;
}

const SCALARS: ReadonlyMap<string, ScalarKind> = new Map<string, ScalarKind>([
  ["ID", "String"],
  ["String", "String"],
  ["Bytes", "Bytes"],
  ["BigInt", "BigInt"],
  ["BigDecimal", "BigDecimal"],
  ["Int", "Int"],
  ["Int8", "Int8"],
  ["Boolean", "Boolean"],
  ["Timestamp", "Timestamp"],
]);

function unwrapType(node: TypeNode): FieldType {
  let t = node;
  let nonNull = false;
  if (t.kind === Kind.NON_NULL_TYPE) {
    nonNull = true;
    t = t.type;
  }
  if (t.kind === Kind.LIST_TYPE) {
    let inner = t.type;
    let itemNonNull = false;
    if (inner.kind === Kind.NON_NULL_TYPE) {
      itemNonNull = true;
      inner = inner.type;
    }
    if (inner.kind !== Kind.NAMED_TYPE) throw new HostError("schema: nested lists are not supported");
    const named = inner.name.value;
    return { named, list: true, nonNull, itemNonNull, text: `[${named}${itemNonNull ? "!" : ""}]${nonNull ? "!" : ""}` };
  }
  if (t.kind !== Kind.NAMED_TYPE) throw new HostError("schema: unsupported field type");
  const named = t.name.value;
  return { named, list: false, nonNull, itemNonNull: false, text: `${named}${nonNull ? "!" : ""}` };
}

function directive(node: { readonly directives?: readonly ConstDirectiveNode[] }, name: string): ConstDirectiveNode | undefined {
  return node.directives?.find((d) => d.name.value === name);
}

function directiveArg(d: ConstDirectiveNode, name: string): string | boolean | undefined {
  const arg = d.arguments?.find((a) => a.name.value === name);
  if (!arg) return undefined;
  if (arg.value.kind === Kind.STRING) return arg.value.value;
  if (arg.value.kind === Kind.BOOLEAN) return arg.value.value;
  return undefined;
}

/* NAMES (graph-node uses the Inflector crate: `to_camel_case` and `to_plural`) */

/** Inflector's `to_camel_case` for a type name: lowercase until a lower-to-upper boundary or a digit. */
export function camelCase(name: string): string {
  let newWord = false;
  let lastChar = " ";
  let foundRealChar = false;
  let out = "";
  const trimmed = name.replace(/[^\p{L}\p{N}]+$/u, "");
  for (const ch of trimmed) {
    const alnum = /[\p{L}\p{N}]/u.test(ch);
    if (!alnum && foundRealChar) {
      newWord = true;
    } else if (!foundRealChar && !alnum) {
      continue;
    } else if (/\p{N}/u.test(ch)) {
      foundRealChar = true;
      newWord = true;
      out += ch;
    } else if (newWord || (isLower(lastChar) && isUpper(ch) && lastChar !== " ")) {
      foundRealChar = true;
      newWord = false;
      out += ch.toUpperCase();
    } else {
      foundRealChar = true;
      lastChar = ch;
      out += ch.toLowerCase();
    }
  }
  return out;
}

function isLower(c: string): boolean {
  return c !== c.toUpperCase() && c === c.toLowerCase();
}

function isUpper(c: string): boolean {
  return c !== c.toLowerCase() && c === c.toUpperCase();
}

/** Inflector's `to_plural` rules (checked last to first, the first match wins). */
const PLURAL_RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/(\w*)s$/u, "s"],
  [/(\w*([^aeiou]ese))$/u, ""],
  [/(\w*(ax|test))is$/u, "es"],
  [/(\w*(alias|[^aou]us|tlas|gas|ris))$/u, "es"],
  [/(\w*(e[mn]u))s?$/u, "s"],
  [/(\w*([^l]ias|[aeiou]las|[emjzr]as|[iu]am))$/u, ""],
  [/(\w*(alumn|syllab|octop|vir|radi|nucle|fung|cact|stimul|termin|bacill|foc|uter|loc|strat))(?:us|i)$/u, "i"],
  [/(\w*(alumn|alg|vertebr))(?:a|ae)$/u, "ae"],
  [/(\w*(seraph|cherub))(?:im)?$/u, "im"],
  [/(\w*(her|at|gr))o$/u, "oes"],
  [/(\w*(agend|addend|millenni|dat|extrem|bacteri|desiderat|strat|candelabr|errat|ov|symposi|curricul|automat|quor))(?:a|um)$/u, "a"],
  [/(\w*(apheli|hyperbat|periheli|asyndet|noumen|phenomen|criteri|organ|prolegomen|hedr|automat))(?:a|on)$/u, "a"],
  [/(\w*)sis$/u, "ses"],
  [/(\w*(kni|wi|li))fe$/u, "ves"],
  [/(\w*(ar|l|ea|eo|oa|hoo))f$/u, "ves"],
  [/(\w*([^aeiouy]|qu))y$/u, "ies"],
  [/(\w*([^ch][ieo][ln]))ey$/u, "ies"],
  [/(\w*(x|ch|ss|sh|zz)es)$/u, ""],
  [/(\w*(x|ch|ss|sh|zz))$/u, "es"],
  [/(\w*(matr|cod|mur|sil|vert|ind|append))(?:ix|ex)$/u, "ices"],
  [/(\w*(m|l)(?:ice|ouse))$/u, "ice"],
  [/(\w*(pe)(?:rson|ople))$/u, "ople"],
  [/(\w*(child))(?:ren)?$/u, "ren"],
  [/(\w*eaux)$/u, ""],
];

/** Words Inflector never pluralises (it compares the whole name, case-sensitively). */
const UNCOUNTABLE = new Set(
  (
    "accommodation adulthood advertising advice aggression aid air aircraft alcohol anger applause arithmetic " +
    "assistance athletics bacon baggage beef biology blood botany bread butter carbon cardboard cash chalk chaos " +
    "chess crossroads countryside dancing deer dignity dirt dust economics education electricity engineering " +
    "enjoyment envy equipment ethics evidence evolution fame fiction flour flu food fuel fun furniture gallows " +
    "garbage garlic genetics gold golf gossip grammar gratitude grief guilt gymnastics happiness hardware harm hate " +
    "hatred health heat help homework honesty honey hospitality housework humour hunger hydrogen ice importance " +
    "inflation information innocence iron irony jam jewelry judo karate knowledge lack laughter lava leather " +
    "leisure lightning linguine linguini linguistics literature litter livestock logic loneliness luck luggage " +
    "macaroni machinery magic management mankind marble mathematics mayonnaise measles methane milk money mud " +
    "music mumps nature news nitrogen nonsense nurture nutrition obedience obesity oxygen pasta patience physics " +
    "poetry pollution poverty pride psychology publicity punctuation quartz racism relaxation reliability research " +
    "respect revenge rice rubbish rum safety salad salt sand satire scenery seafood seaside series shame sheep " +
    "shopping sleep smoke smoking snow soap software soil spaghetti species steam stuff stupidity sunshine symmetry " +
    "tennis thirst thunder timber traffic transportation trust underwear unemployment unity validity veal " +
    "vegetation vegetarianism vengeance violence vitality warmth wealth weather welfare wheat wildlife wisdom yoga " +
    "zinc zoology"
  ).split(" "),
);

const PLURAL_SPECIAL: ReadonlyMap<string, string> = new Map([
  ["ox", "oxen"],
  ["man", "men"],
  ["woman", "women"],
  ["die", "dice"],
  ["yes", "yeses"],
  ["foot", "feet"],
  ["eave", "eaves"],
  ["goose", "geese"],
  ["tooth", "teeth"],
  ["quiz", "quizzes"],
]);

export function pluralize(word: string): string {
  if (UNCOUNTABLE.has(word)) return word;
  const special = PLURAL_SPECIAL.get(word);
  if (special !== undefined) return special;
  for (let i = PLURAL_RULES.length - 1; i >= 0; i--) {
    const [re, replace] = PLURAL_RULES[i] as readonly [RegExp, string];
    const m = re.exec(word);
    if (m && m[1] !== undefined) return m[1] + replace;
  }
  return `${word}s`;
}

/** graph-node's `camel_cased_names`: (singular, plural) query field names for a type. */
export function queryFieldNames(type: string): [string, string] {
  const singular = camelCase(type);
  let plural = camelCase(pluralize(type));
  if (plural === singular) plural += "_collection";
  return [singular, plural];
}

/* SCHEMA */

export class Schema {
  /** Entity object types and interfaces, by name. */
  readonly types = new Map<string, TypeDef>();
  readonly enums = new Map<string, ReadonlySet<string>>();
  /** Query field name to type name (singular and plural). */
  readonly singularFields = new Map<string, string>();
  readonly pluralFields = new Map<string, string>();
  /** (type, field) pairs that some `@derivedFrom` points at: the store keeps a reverse index for each. */
  readonly derivedTargets: ReadonlyArray<{ readonly type: string; readonly field: string }>;

  constructor(readonly source: string) {
    const doc = parse(source);
    const objects: Array<{ name: string; fields: readonly FieldDefinitionNode[]; immutable: boolean; interfaces: string[] }> = [];
    const interfaces: Array<{ name: string; fields: readonly FieldDefinitionNode[] }> = [];
    for (const def of doc.definitions) {
      if (def.kind === Kind.OBJECT_TYPE_DEFINITION) {
        if (def.name.value === "_Schema_") continue;
        const entity = directive(def, "entity");
        if (!entity) {
          if (directive(def, "aggregation")) throw new HostError(`schema: @aggregation type ${def.name.value} is not supported by this host`);
          throw new HostError(`schema: type ${def.name.value} has no @entity directive`);
        }
        if (directiveArg(entity, "timeseries") === true) {
          throw new HostError(`schema: timeseries entity ${def.name.value} is not supported by this host`);
        }
        objects.push({
          name: def.name.value,
          fields: def.fields ?? [],
          immutable: directiveArg(entity, "immutable") === true,
          interfaces: (def.interfaces ?? []).map((i) => i.name.value),
        });
      } else if (def.kind === Kind.INTERFACE_TYPE_DEFINITION) {
        interfaces.push({ name: def.name.value, fields: def.fields ?? [] });
      } else if (def.kind === Kind.ENUM_TYPE_DEFINITION) {
        this.enums.set(def.name.value, new Set((def.values ?? []).map((v) => v.name.value)));
      }
    }
    const objectNames = new Set(objects.map((o) => o.name));
    const interfaceNames = new Set(interfaces.map((i) => i.name));
    const idTypeOf = (fields: readonly FieldDefinitionNode[], owner: string): IdType => {
      const idField = fields.find((f) => f.name.value === "id");
      if (!idField) throw new HostError(`schema: type ${owner} has no id field`);
      const t = unwrapType(idField.type);
      if (t.list) throw new HostError(`schema: ${owner}.id must not be a list`);
      if (t.named === "ID" || t.named === "String") return "String";
      if (t.named === "Bytes") return "Bytes";
      if (t.named === "Int8") return "Int8";
      throw new HostError(`schema: ${owner}.id has type ${t.named}; it must be ID, String, Bytes or Int8`);
    };
    const implementers = new Map<string, string[]>();
    for (const o of objects) {
      for (const i of o.interfaces) {
        if (!interfaceNames.has(i)) throw new HostError(`schema: ${o.name} implements unknown interface ${i}`);
        implementers.set(i, [...(implementers.get(i) ?? []), o.name]);
      }
    }
    const objectIdTypes = new Map(objects.map((o) => [o.name, idTypeOf(o.fields, o.name)] as const));
    const interfaceIdType = (name: string): IdType => {
      const first = implementers.get(name)?.[0];
      return first === undefined ? "String" : (objectIdTypes.get(first) as IdType);
    };
    const buildFields = (owner: string, nodes: readonly FieldDefinitionNode[]): Map<string, FieldDef> => {
      const fields = new Map<string, FieldDef>();
      for (const node of nodes) {
        const type = unwrapType(node.type);
        const derived = directive(node, "derivedFrom");
        const derivedFrom = derived ? directiveArg(derived, "field") : undefined;
        if (derived && typeof derivedFrom !== "string") throw new HostError(`schema: ${owner}.${node.name.value} @derivedFrom needs a field`);
        let kind: FieldKind;
        let valueType: ScalarKind;
        let target: string | null = null;
        const scalar = SCALARS.get(type.named);
        if (scalar !== undefined) {
          kind = "scalar";
          valueType = scalar;
        } else if (this.enums.has(type.named)) {
          kind = "enum";
          valueType = "String";
          target = type.named;
        } else if (objectNames.has(type.named)) {
          kind = "entity";
          valueType = objectIdTypes.get(type.named) as IdType;
          target = type.named;
        } else if (interfaceNames.has(type.named)) {
          kind = "interface";
          valueType = interfaceIdType(type.named);
          target = type.named;
        } else {
          throw new HostError(`schema: ${owner}.${node.name.value} has unknown type ${type.named}`);
        }
        if (derivedFrom !== undefined && kind !== "entity" && kind !== "interface") {
          throw new HostError(`schema: ${owner}.${node.name.value} is @derivedFrom but not an entity reference`);
        }
        fields.set(node.name.value, {
          name: node.name.value,
          type,
          kind,
          valueType,
          target,
          derivedFrom: typeof derivedFrom === "string" ? derivedFrom : null,
        });
      }
      return fields;
    };
    const addType = (def: TypeDef): void => {
      this.types.set(def.name, def);
      this.singularFields.set(def.singular, def.name);
      this.pluralFields.set(def.plural, def.name);
    };
    for (const o of objects) {
      const [singular, plural] = queryFieldNames(o.name);
      addType({
        name: o.name,
        isInterface: false,
        fields: buildFields(o.name, o.fields),
        immutable: o.immutable,
        idType: objectIdTypes.get(o.name) as IdType,
        related: o.interfaces,
        singular,
        plural,
      });
    }
    for (const i of interfaces) {
      const [singular, plural] = queryFieldNames(i.name);
      addType({
        name: i.name,
        isInterface: true,
        fields: buildFields(i.name, i.fields),
        immutable: false,
        idType: interfaceIdType(i.name),
        related: implementers.get(i.name) ?? [],
        singular,
        plural,
      });
    }
    // Every @derivedFrom must point at a stored field of the target type(s).
    const targets = new Map<string, { type: string; field: string }>();
    for (const t of this.types.values()) {
      for (const f of t.fields.values()) {
        if (f.derivedFrom === null || f.target === null) continue;
        const targetType = this.types.get(f.target) as TypeDef;
        const concrete = targetType.isInterface ? targetType.related : [targetType.name];
        for (const c of concrete) {
          const field = this.types.get(c)?.fields.get(f.derivedFrom);
          if (!field || field.derivedFrom !== null) {
            throw new HostError(`schema: ${t.name}.${f.name} is derived from ${c}.${f.derivedFrom}, which is not a stored field`);
          }
          targets.set(`${c}.${f.derivedFrom}`, { type: c, field: f.derivedFrom });
        }
      }
    }
    this.derivedTargets = [...targets.values()];
  }

  /** An entity object type (not an interface). */
  entityType(name: string): TypeDef {
    const t = this.types.get(name);
    if (!t || t.isInterface) throw new HostError(`Entity type \`${name}\` is not defined in the schema`);
    return t;
  }

  /** The concrete object types a type name stands for (itself, or an interface's implementers). */
  concreteTypes(name: string): readonly string[] {
    const t = this.types.get(name);
    if (!t) return [];
    return t.isInterface ? t.related : [t.name];
  }

  /** graph-node (apiVersion >= 0.0.8): setting fields that the schema does not define is an error. */
  checkUndefinedFields(type: TypeDef, keys: Iterable<string>): void {
    const bad = [...keys].filter((k) => !type.fields.has(k)).sort();
    if (bad.length > 0) {
      throw new HostError(
        `Attempted to set undefined fields [${bad.join(", ")}] for the entity type \`${type.name}\`. Make sure those fields are defined in the schema.`,
      );
    }
  }

  /** graph-node's `Entity::validate`, with its error messages. Null values count as missing. */
  validate(type: TypeDef, id: string, entity: Entity): void {
    const at = `Entity ${type.name}[${id}]`;
    for (const field of type.fields.values()) {
      const value = entity.get(field.name);
      const present = value !== undefined && value.kind !== "Null";
      if (field.derivedFrom !== null) {
        if (present) throw new HostError(`${at}: field \`${field.name}\` is derived and cannot be set`);
        continue;
      }
      if (!present) {
        if (field.type.nonNull) throw new HostError(`${at}: missing value for non-nullable field \`${field.name}\``);
        continue;
      }
      if (field.type.list && value.kind === "List") {
        value.value.forEach((elt, index) => {
          if (!this.assignable(elt, field, false)) {
            throw new HostError(
              `${at}: field \`${field.name}\` is of type ${field.type.text}, but the value \`${displayValue(value)}\` contains a ${typeName(elt)} at index ${index}`,
            );
          }
        });
      }
      if (!this.assignable(value, field, field.type.list)) {
        throw new HostError(
          `${at}: the value \`${displayValue(value)}\` for field \`${field.name}\` must have type ${field.type.text} but has type ${typeName(value)}`,
        );
      }
    }
  }

  private assignable(value: Value, field: FieldDef, asList: boolean): boolean {
    if (value.kind === "Null") return true;
    if (asList) return value.kind === "List" && value.value.every((v) => this.assignable(v, field, false));
    if (value.kind !== field.valueType) return false;
    if (field.kind === "enum" && value.kind === "String") {
      return this.enums.get(field.target as string)?.has(value.value) === true;
    }
    return true;
  }
}
