import { describe, expect, it } from "vitest";
import { nextOffset, pagedItems } from "./query";

const page = (ids: string[], total: number) => ({ items: ids.map((id) => ({ id })), total, limit: 2, offset: 0 });

describe("offset paging", () => {
  it("asks for the next offset until every item is loaded", () => {
    const first = page(["a", "b"], 3);
    expect(nextOffset(first, [first])).toBe(2);
    const last = page(["c"], 3);
    expect(nextOffset(last, [first, last])).toBeUndefined();
  });

  it("stops on an empty page even when the total promised more", () => {
    const first = page(["a", "b"], 5);
    const empty = page([], 5);
    expect(nextOffset(empty, [first, empty])).toBeUndefined();
  });

  it("lists each item once when a page repeats one", () => {
    expect(pagedItems([page(["a", "b"], 4), page(["b", "c"], 4)])?.map((x) => x.id)).toEqual(["a", "b", "c"]);
    expect(pagedItems(undefined)).toBeNull();
  });
});
