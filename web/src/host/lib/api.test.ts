import { describe, expect, it } from "vitest";
import { attachmentName } from "./api";

describe("attachment names", () => {
  it("reads the file name the server gives an attachment", () => {
    expect(attachmentName('attachment; filename="promptdeck-usage-account-2026-12-02.csv"')).toBe("promptdeck-usage-account-2026-12-02.csv");
  });

  it("has none without a Content-Disposition or a file name in it", () => {
    expect(attachmentName(null)).toBeNull();
    expect(attachmentName("inline")).toBeNull();
  });
});
