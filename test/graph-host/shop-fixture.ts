/** A small schema and value builders shared by the graph-host store and GraphQL tests. */
import { BigDecimal, type Entity, type Value } from "../../graph-host/values";

export const SHOP_SCHEMA = `
enum Status { OPEN CLOSED }
interface Event { id: Bytes! shop: Shop! }
type Shop @entity(immutable: false) {
  id: ID!
  name: String!
  status: Status!
  rating: BigDecimal
  tags: [String!]!
  revenue: BigInt!
  opened: Timestamp
  counter: Int8
  owner: Owner
  products: [Product!]! @derivedFrom(field: "shop")
  events: [Event!]! @derivedFrom(field: "shop")
}
type Owner @entity(immutable: false) { id: Bytes! name: String! shops: [Shop!]! @derivedFrom(field: "owner") }
type Product @entity(immutable: false) { id: ID! shop: Shop! price: BigInt! active: Boolean! }
type Sale implements Event @entity(immutable: true) { id: Bytes! shop: Shop! amount: BigInt! }
type Refund implements Event @entity(immutable: true) { id: Bytes! shop: Shop! amount: BigInt! reason: String }
type Counter @entity(immutable: false) { id: Int8! value: Int! }
`;

export const str = (value: string): Value => ({ kind: "String", value });
export const big = (value: bigint): Value => ({ kind: "BigInt", value });
export const bytes = (value: string): Value => ({ kind: "Bytes", value });
export const bool = (value: boolean): Value => ({ kind: "Boolean", value });
export const int = (value: number): Value => ({ kind: "Int", value });
export const decimal = (value: string): Value => ({ kind: "BigDecimal", value: BigDecimal.fromString(value) });
export const list = (...value: Value[]): Value => ({ kind: "List", value });
export const entity = (fields: Record<string, Value>): Entity => new Map(Object.entries(fields));

export function shop(id: string, extra: Record<string, Value> = {}): Entity {
  return entity({ name: str(`shop ${id}`), status: str("OPEN"), tags: list(), revenue: big(0n), ...extra });
}
