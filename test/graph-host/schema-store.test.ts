import { expect } from "chai";
import { camelCase, pluralize, queryFieldNames, Schema } from "../../graph-host/schema";
import { BlockWriter, EntityStore } from "../../graph-host/store";
import { big, bool, bytes, decimal, entity, int, list, shop, SHOP_SCHEMA, str } from "./shop-fixture";

describe("graph-host schema and store", function () {
  describe("query field names (Inflector, as graph-node)", function () {
    it("camel-cases type names like Inflector's to_camel_case", function () {
      expect(camelCase("FooBar")).to.equal("fooBar");
      expect(camelCase("FOO_BAR")).to.equal("fooBar");
      expect(camelCase("FooBar3")).to.equal("fooBar3");
      expect(camelCase("Robert C. Martin")).to.equal("robertCMartin");
      expect(camelCase("ERC20Token")).to.equal("erc20Token");
    });

    it("pluralises with Inflector's rules", function () {
      expect(pluralize("Account")).to.equal("Accounts");
      expect(pluralize("Category")).to.equal("Categories");
      expect(pluralize("Status")).to.equal("Statuses");
      expect(pluralize("Box")).to.equal("Boxes");
      expect(pluralize("ScalarsEmitted")).to.equal("ScalarsEmitteds");
      expect(pluralize("news")).to.equal("news");
      // The uncountable list is lowercase and compared exactly, so a capitalised type name is pluralised.
      expect(pluralize("Evidence")).to.equal("Evidences");
    });

    it("appends _collection when the plural equals the singular", function () {
      expect(queryFieldNames("Listing")).to.deep.equal(["listing", "listings"]);
      expect(queryFieldNames("Stats")).to.deep.equal(["stats", "stats_collection"]);
    });
  });

  describe("schema", function () {
    const schema = new Schema(SHOP_SCHEMA);

    it("reads id types, references, enums, interfaces and derived fields", function () {
      const shopType = schema.entityType("Shop");
      expect(shopType.idType).to.equal("String");
      expect(schema.entityType("Owner").idType).to.equal("Bytes");
      expect(schema.entityType("Counter").idType).to.equal("Int8");
      expect(shopType.fields.get("owner")?.valueType).to.equal("Bytes");
      expect(shopType.fields.get("status")?.kind).to.equal("enum");
      expect(shopType.fields.get("products")?.derivedFrom).to.equal("shop");
      expect(schema.concreteTypes("Event")).to.deep.equal(["Sale", "Refund"]);
      expect(schema.entityType("Sale").immutable).to.equal(true);
      expect(schema.derivedTargets).to.deep.include.members([
        { type: "Product", field: "shop" },
        { type: "Sale", field: "shop" },
        { type: "Refund", field: "shop" },
        { type: "Shop", field: "owner" },
      ]);
    });

    it("refuses schemas it cannot serve", function () {
      expect(() => new Schema("type A { id: ID! }")).to.throw("type A has no @entity directive");
      expect(() => new Schema("type A @entity { id: Int! }")).to.throw("A.id has type Int; it must be ID, String, Bytes or Int8");
      expect(() => new Schema("type A @entity { id: ID! b: Nope }")).to.throw("A.b has unknown type Nope");
      expect(() => new Schema("type A @entity { id: ID! bs: [B!]! @derivedFrom(field: \"a\") } type B @entity { id: ID! }")).to.throw(
        "A.bs is derived from B.a, which is not a stored field",
      );
      expect(() => new Schema("type A @entity(timeseries: true) { id: Int8! }")).to.throw("timeseries entity A is not supported");
    });
  });

  describe("entity writes", function () {
    function writer(): { store: EntityStore; w: BlockWriter } {
      const store = new EntityStore(new Schema(SHOP_SCHEMA));
      return { store, w: new BlockWriter(store, 10) };
    }

    const cases: Array<[string, () => void, string]> = [
      [
        "a missing non-null field",
        () => writer().w.set("Shop", "s1", entity({ name: str("x"), status: str("OPEN"), tags: list() }), true),
        "Entity Shop[s1]: missing value for non-nullable field `revenue`",
      ],
      [
        "a value of the wrong type",
        () => writer().w.set("Shop", "s1", shop("s1", { revenue: int(5) }), true),
        "Entity Shop[s1]: the value `5` for field `revenue` must have type BigInt! but has type Int",
      ],
      [
        "a list with an element of the wrong type",
        () => writer().w.set("Shop", "s1", shop("s1", { tags: list(str("a"), int(2)) }), true),
        "Entity Shop[s1]: field `tags` is of type [String!]!, but the value `[a, 2]` contains a Int at index 1",
      ],
      [
        "a scalar where a list is expected",
        () => writer().w.set("Shop", "s1", shop("s1", { tags: str("a") }), true),
        "Entity Shop[s1]: the value `a` for field `tags` must have type [String!]! but has type String",
      ],
      [
        "a derived field",
        () => writer().w.set("Shop", "s1", shop("s1", { products: list(str("p1")) }), true),
        "Entity Shop[s1]: field `products` is derived and cannot be set",
      ],
      [
        "fields the schema does not define (apiVersion >= 0.0.8)",
        () => writer().w.set("Shop", "s1", shop("s1", { zeta: int(1), alpha: int(2) }), true),
        "Attempted to set undefined fields [alpha, zeta] for the entity type `Shop`. Make sure those fields are defined in the schema.",
      ],
      [
        "an id that conflicts with the key",
        () => writer().w.set("Shop", "s1", shop("s1", { id: str("s2") }), true),
        "Value of Shop attribute 'id' conflicts with ID passed to `store.set()`: s2 != s1",
      ],
      [
        "an id of the wrong type",
        () => writer().w.set("Owner", "0x01", entity({ id: str("0x01"), name: str("o") }), true),
        "Attribute `Owner.id` has wrong type: expected Bytes but got String",
      ],
      [
        "a value outside the enum",
        () => writer().w.set("Shop", "s1", shop("s1", { status: str("GONE") }), true),
        "Entity Shop[s1]: the value `GONE` for field `status` must have type Status! but has type String",
      ],
      [
        "an unknown entity type",
        () => writer().w.set("Nope", "1", entity({}), true),
        "Entity type `Nope` is not defined in the schema",
      ],
    ];
    for (const [what, run, message] of cases) {
      it(`rejects ${what}`, function () {
        expect(run).to.throw(message);
      });
    }

    it("drops unknown fields silently before apiVersion 0.0.8", function () {
      const { w } = writer();
      w.set("Shop", "s1", shop("s1", { zeta: int(1) }), false);
      expect(w.get("Shop", "s1", "block")?.has("zeta")).to.equal(false);
    });

    it("merges partial updates into the stored entity and removes null fields", function () {
      const { store, w } = writer();
      w.set("Shop", "s1", shop("s1", { rating: decimal("4.5") }), true);
      w.endHandler(true);
      w.commit();
      const next = new BlockWriter(store, 11);
      next.set("Shop", "s1", entity({ revenue: big(7n), rating: { kind: "Null" } }), true);
      next.endHandler(true);
      next.commit();
      const stored = store.get("Shop", "s1");
      expect(stored?.get("revenue")).to.deep.equal(big(7n));
      expect(stored?.get("name")).to.deep.equal(str("shop s1"));
      expect(stored?.has("rating")).to.equal(false);
      expect(stored?.get("id")).to.deep.equal(str("s1"));
      expect(store.lastChange("Shop", "s1")).to.equal(11);
    });

    it("normalises Bytes and Int8 ids", function () {
      const { w } = writer();
      w.set("Owner", "0xABcd", entity({ name: str("o") }), true);
      w.set("Counter", "+0042", entity({ value: int(1) }), true);
      expect(w.get("Owner", "0xabcd", "block")?.get("id")).to.deep.equal(bytes("0xabcd"));
      expect(w.get("Counter", "42", "block")?.get("id")).to.deep.equal({ kind: "Int8", value: 42n });
    });

    it("drops a failed handler's writes and keeps the earlier handlers' writes of the block", function () {
      const { store, w } = writer();
      w.beginHandler();
      w.set("Shop", "kept", shop("kept"), true);
      w.endHandler(true);
      w.beginHandler();
      w.set("Shop", "dropped", shop("dropped"), true);
      expect(w.get("Shop", "dropped", "block")).to.not.equal(null);
      w.endHandler(false);
      w.commit();
      expect(store.get("Shop", "kept")).to.not.equal(undefined);
      expect(store.get("Shop", "dropped")).to.equal(undefined);
    });

    it("separates get (store) from get_in_block (this block only)", function () {
      const { store, w } = writer();
      w.set("Shop", "old", shop("old"), true);
      w.endHandler(true);
      w.commit();
      const next = new BlockWriter(store, 11);
      next.set("Shop", "new", shop("new"), true);
      expect(next.get("Shop", "old", "store")).to.not.equal(null);
      expect(next.get("Shop", "old", "block")).to.equal(null);
      expect(next.get("Shop", "new", "block")).to.not.equal(null);
    });

    it("lets immutable entities be rewritten in their block, never later, and never removed", function () {
      const { store, w } = writer();
      w.set("Shop", "s1", shop("s1"), true);
      w.set("Sale", "0x01", entity({ shop: str("s1"), amount: big(1n) }), true);
      w.set("Sale", "0x01", entity({ shop: str("s1"), amount: big(2n) }), true);
      w.endHandler(true);
      w.commit();
      expect(store.get("Sale", "0x01")?.get("amount")).to.deep.equal(big(2n));
      const next = new BlockWriter(store, 12);
      expect(() => next.set("Sale", "0x01", entity({ shop: str("s1"), amount: big(3n) }), true)).to.throw(
        "entity Sale[0x01] is immutable; inserting it at block 12 is not possible as it was already inserted at block 10",
      );
      expect(() => next.remove("Sale", "0x01")).to.throw("immutable entity type Sale only allows inserts");
    });

    it("loads related entities in their in-block state, sorted by id (store.loadRelated)", function () {
      const { store, w } = writer();
      w.set("Shop", "s1", shop("s1"), true);
      for (const id of ["p3", "p1", "p2"]) w.set("Product", id, entity({ shop: str("s1"), price: big(1n), active: bool(true) }), true);
      w.set("Product", "other", entity({ shop: str("s2"), price: big(1n), active: bool(true) }), true);
      w.endHandler(true);
      w.commit();
      const next = new BlockWriter(store, 11);
      next.remove("Product", "p2");
      next.set("Product", "p4", entity({ shop: str("s1"), price: big(9n), active: bool(false) }), true);
      next.set("Product", "p1", entity({ price: big(5n) }), true);
      const related = next.loadRelated("Shop", "s1", "products");
      expect(related.map((r) => r.entity.get("id"))).to.deep.equal([str("p1"), str("p3"), str("p4")]);
      expect(related[0]?.entity.get("price")).to.deep.equal(big(5n));
      expect(next.loadRelated("Shop", "s1", "events")).to.deep.equal([]);
      expect(() => next.loadRelated("Shop", "s1", "name")).to.throw("field `name` is not a derived field");
    });
  });
});
