import { expect } from "chai";
import { QueryEngine, type Json, type QueryResult } from "../../graph-host/graphql";
import { Schema } from "../../graph-host/schema";
import { BlockWriter, EntityStore } from "../../graph-host/store";
import type { Entity } from "../../graph-host/values";
import { big, bool, bytes, decimal, entity, int, list, shop, SHOP_SCHEMA, str } from "./shop-fixture";

function buildEngine(): { engine: QueryEngine; store: EntityStore } {
  const store = new EntityStore(new Schema(SHOP_SCHEMA));
  const block = (n: number, writes: Array<[string, string, Entity]>): void => {
    const w = new BlockWriter(store, n);
    for (const [type, id, e] of writes) w.set(type, id, e, true);
    w.endHandler(true);
    w.commit();
  };
  block(10, [
    ["Owner", "0xaa", entity({ name: str("Alice") })],
    ["Owner", "0xbb", entity({ name: str("Bob") })],
    [
      "Shop",
      "s1",
      shop("s1", {
        name: str("Apple Store"),
        rating: decimal("4.5"),
        tags: list(str("fruit"), str("tech")),
        revenue: big(100n),
        owner: bytes("0xaa"),
        opened: { kind: "Timestamp", value: 1000n },
        counter: { kind: "Int8", value: 5n },
      }),
    ],
    ["Shop", "s2", shop("s2", { name: str("banana bar"), status: str("CLOSED"), tags: list(str("fruit")), revenue: big(250n), owner: bytes("0xbb") })],
    ["Shop", "s10", shop("s10", { name: str("Date Depot"), rating: decimal("4.5"), tags: list(str("tech")), revenue: big(100n) })],
    ["Product", "p1", entity({ shop: str("s1"), price: big(10n), active: bool(true) })],
    ["Product", "p2", entity({ shop: str("s1"), price: big(20n), active: bool(false) })],
    ["Product", "p3", entity({ shop: str("s2"), price: big(5n), active: bool(true) })],
    ["Sale", "0x01", entity({ shop: str("s1"), amount: big(7n) })],
    ["Sale", "0x02", entity({ shop: str("s2"), amount: big(9n) })],
    ["Refund", "0x03", entity({ shop: str("s1"), amount: big(2n), reason: str("broken") })],
    ["Counter", "1", entity({ value: int(3) })],
  ]);
  block(11, [["Shop", "s3", shop("s3", { name: str("Cherry Café"), rating: decimal("3.25"), revenue: big(-5n), owner: bytes("0xaa") })]]);
  const engine = new QueryEngine(new Schema(SHOP_SCHEMA), store, {
    block: () => ({ number: 11, hash: "0x11", parentHash: "0x10", timestamp: 1700000000 }),
    hasIndexingErrors: () => false,
    deployment: "test",
  });
  return { engine, store };
}

describe("graph-host GraphQL", function () {
  const { engine } = buildEngine();
  const run = (query: string, variables?: Record<string, Json>): QueryResult => engine.execute(query, variables ?? null);
  const data = (query: string, variables?: Record<string, Json>): Json => {
    const r = run(query, variables);
    expect(r.errors, JSON.stringify(r.errors)).to.equal(undefined);
    return r.data as Json;
  };
  const ids = (query: string): string[] => {
    const d = data(query) as Record<string, Array<{ id: string }>>;
    const first = Object.values(d)[0] as Array<{ id: string }>;
    return first.map((r) => r.id);
  };
  const error = (query: string): string => {
    const r = run(query);
    expect(r.data).to.equal(undefined);
    return (r.errors ?? [])[0]?.message ?? "";
  };

  describe("ordering", function () {
    it("orders by id ascending by default", function () {
      expect(ids("{ shops { id } }")).to.deep.equal(["s1", "s10", "s2", "s3"]);
    });

    it("breaks ties by id in the same direction", function () {
      expect(data("{ shops(orderBy: revenue, orderDirection: desc) { id revenue } }")).to.deep.equal({
        shops: [
          { id: "s2", revenue: "250" },
          { id: "s10", revenue: "100" },
          { id: "s1", revenue: "100" },
          { id: "s3", revenue: "-5" },
        ],
      });
    });

    it("puts nulls last ascending and first descending, like Postgres", function () {
      expect(ids("{ shops(orderBy: rating) { id } }")).to.deep.equal(["s3", "s1", "s10", "s2"]);
      expect(ids("{ shops(orderBy: rating, orderDirection: desc) { id } }")).to.deep.equal(["s2", "s10", "s1", "s3"]);
    });

    it("orders by a field of a referenced entity (field__child)", function () {
      expect(ids("{ products(orderBy: shop__revenue, orderDirection: desc) { id } }")).to.deep.equal(["p3", "p2", "p1"]);
    });

    it("paginates with first and skip, and bounds first to 1..1000", function () {
      expect(ids("{ shops(first: 2, skip: 1) { id } }")).to.deep.equal(["s10", "s2"]);
      expect(error("{ shops(first: 0) { id } }")).to.equal("The `first` argument must be between 0 and 1000, but is 0");
      expect(error("{ shops(first: 1001) { id } }")).to.equal("The `first` argument must be between 0 and 1000, but is 1001");
      expect(ids("{ shops(orderBy: tags) { id } }")).to.deep.equal(["s3", "s2", "s1", "s10"]);
      expect(error("{ shops(orderBy: products) { id } }")).to.equal("Ordering by `products` is not supported for type `Shop`");
    });
  });

  describe("filters", function () {
    const cases: Array<[string, string[]]> = [
      ['{ revenue_gt: "99" }', ["s1", "s10", "s2"]],
      ["{ revenue_lte: 100 }", ["s1", "s10", "s3"]],
      ['{ revenue_in: [100, "-5"] }', ["s1", "s10", "s3"]],
      ["{ revenue_not_in: [100] }", ["s2", "s3"]],
      ["{ revenue_not: 100 }", ["s2", "s3"]],
      ['{ name_contains_nocase: "CAF" }', ["s3"]],
      ['{ name_starts_with: "b" }', ["s2"]],
      ['{ name_not_ends_with: "Store" }', ["s10", "s2", "s3"]],
      ['{ name_gt: "a" }', ["s2"]],
      ['{ tags_contains: ["fruit"] }', ["s1", "s2"]],
      ['{ tags_contains: ["fruit", "tech"] }', ["s1"]],
      ['{ tags_not_contains: ["fruit"] }', ["s10", "s3"]],
      ["{ tags: [] }", ["s3"]],
      ["{ status: CLOSED }", ["s2"]],
      ["{ status_in: [OPEN] }", ["s1", "s10", "s3"]],
      ["{ rating: null }", ["s2"]],
      ["{ rating_not: null }", ["s1", "s10", "s3"]],
      ['{ rating_lt: "4" }', ["s3"]],
      ['{ rating: "4.50" }', ["s1", "s10"]],
      ['{ owner: "0xAA" }', ["s1", "s3"]],
      ['{ owner_in: ["0xbb"] }', ["s2"]],
      ['{ owner_: { name_starts_with: "B" } }', ["s2"]],
      ["{ products_: { active: false } }", ["s1"]],
      ['{ events_: { id: "0x02" } }', ["s2"]],
      ['{ or: [{ revenue: 250 }, { name_contains: "Apple" }] }', ["s1", "s2"]],
      ['{ and: [{ tags_contains: ["tech"] }, { revenue_gte: 100 }] }', ["s1", "s10"]],
      ['{ or: [{ and: [{ status: CLOSED }] }, { id_in: ["s3"] }] }', ["s2", "s3"]],
      ["{ _change_block: { number_gte: 11 } }", ["s3"]],
      ['{ id_gt: "s10" }', ["s2", "s3"]],
    ];
    for (const [where, expected] of cases) {
      it(`where: ${where}`, function () {
        expect(ids(`{ shops(where: ${where}) { id } }`)).to.deep.equal(expected);
      });
    }

    it("filters Bytes on byte boundaries", function () {
      expect(ids('{ sales(where: { id_contains: "0x02" }) { id } }')).to.deep.equal(["0x02"]);
      expect(ids('{ owners(where: { id_gte: "0xab" }) { id } }')).to.deep.equal(["0xbb"]);
    });

    it("reports graph-node's errors for bad filters", function () {
      expect(error('{ shops(where: { events_: { amount_gt: "8" } }) { id } }')).to.equal("Type `Event_filter` has no field `amount_gt`");
      expect(error("{ shops(where: { nope: 1 }) { id } }")).to.equal("Type `Shop_filter` has no field `nope`");
      expect(error("{ shops(where: { status_contains: OPEN }) { id } }")).to.equal("Type `Shop_filter` has no field `status_contains`");
      expect(error('{ shops(where: { revenue_gt: "abc" }) { id } }')).to.match(/^Failed to decode `BigInt` value: `"abc"`/);
      expect(error('{ shops(where: { revenue_in: "1" }) { id } }')).to.equal("Non-list value passed to `revenue_in` filter");
      expect(error('{ shops(where: { revenue: 1, or: [{ name: "x" }] }) { id } }')).to.match(
        /^Cannot mix column filters with 'or' operator at the same level\. Found column filter\(s\) 'revenue' alongside 'or' operator\./,
      );
    });
  });

  describe("entities and fields", function () {
    it("serialises every scalar type as graph-node does", function () {
      expect(data('{ shop(id: "s1") { id name status rating tags revenue opened counter owner { id } } counters { id value } }')).to.deep.equal({
        shop: {
          id: "s1",
          name: "Apple Store",
          status: "OPEN",
          rating: "4.5",
          tags: ["fruit", "tech"],
          revenue: "100",
          opened: "1000",
          counter: "5",
          owner: { id: "0xaa" },
        },
        counters: [{ id: "1", value: 3 }],
      });
    });

    it("answers null for a missing entity and for an unset reference", function () {
      expect(data('{ shop(id: "nope") { id } s10: shop(id: "s10") { owner { id } } }')).to.deep.equal({ shop: null, s10: { owner: null } });
    });

    it("resolves derived fields, with collection arguments and interface fragments", function () {
      expect(
        data(`{ shop(id: "s1") {
          products(orderBy: price, orderDirection: desc) { id price }
          events { id __typename ... on Sale { amount } ... on Refund { reason } }
          owner { name shops(orderBy: name) { id } }
        } }`),
      ).to.deep.equal({
        shop: {
          products: [
            { id: "p2", price: "20" },
            { id: "p1", price: "10" },
          ],
          events: [
            { id: "0x01", __typename: "Sale", amount: "7" },
            { id: "0x03", __typename: "Refund", reason: "broken" },
          ],
          owner: { name: "Alice", shops: [{ id: "s1" }, { id: "s3" }] },
        },
      });
      expect(data('{ shop(id: "s1") { products(where: { active: true }) { id } } }')).to.deep.equal({ shop: { products: [{ id: "p1" }] } });
    });

    it("queries an interface across its implementations", function () {
      expect(data("{ events(orderBy: id, orderDirection: desc) { id shop { id } } }")).to.deep.equal({
        events: [
          { id: "0x03", shop: { id: "s1" } },
          { id: "0x02", shop: { id: "s2" } },
          { id: "0x01", shop: { id: "s1" } },
        ],
      });
      expect(data('{ event(id: "0x02") { __typename id } }')).to.deep.equal({ event: { __typename: "Sale", id: "0x02" } });
    });

    it("supports variables, aliases, named fragments and @skip/@include", function () {
      const query = `query Rich($min: BigInt!, $withName: Boolean!) {
        rich: shops(where: { revenue_gte: $min }, orderBy: revenue) { ...ShopId name @include(if: $withName) revenue @skip(if: true) }
        __typename
      }
      fragment ShopId on Shop { id }`;
      expect(data(query, { min: "101", withName: true })).to.deep.equal({ rich: [{ id: "s2", name: "banana bar" }], __typename: "Query" });
      expect(data(query, { min: "250", withName: false })).to.deep.equal({ rich: [{ id: "s2" }], __typename: "Query" });
    });

    it("answers _meta", function () {
      expect(data("{ _meta { block { number hash timestamp parentHash } deployment hasIndexingErrors } }")).to.deep.equal({
        _meta: { block: { number: 11, hash: "0x11", timestamp: 1700000000, parentHash: "0x10" }, deployment: "test", hasIndexingErrors: false },
      });
    });

    it("only serves the latest block", function () {
      expect(ids("{ shops(block: { number: 11 }) { id } }")).to.have.length(4);
      expect(error("{ shops(block: { number: 12 }) { id } }")).to.match(/has only indexed up to block number 11/);
      expect(error("{ shops(block: { number: 10 }) { id } }")).to.match(/^Not supported: time-travel queries/);
    });

    it("reports unknown fields and syntax errors", function () {
      expect(error("{ shops { nope } }")).to.equal("Type `Shop` has no field `nope`");
      expect(error("{ nope { id } }")).to.equal("Type `Query` has no field `nope`");
      expect(error("{ shops { id }")).to.match(/^Syntax Error/);
      expect(error("mutation { shops { id } }")).to.equal("Not supported: mutation operations");
    });
  });
});
