import { describe, expect, it } from "vitest";
import { grantDisplayMode } from "./displayMode";

describe("grantDisplayMode", () => {
  it("always grants inline", () => {
    expect(grantDisplayMode("inline", "modal", false)).toBe("inline");
    expect(grantDisplayMode("inline", "fullscreen", true)).toBe("inline");
  });
  it("grants modal and full screen only right after the user acted", () => {
    expect(grantDisplayMode("modal", "inline", true)).toBe("modal");
    expect(grantDisplayMode("fullscreen", "modal", true)).toBe("fullscreen");
    expect(grantDisplayMode("modal", "inline", false)).toBe("inline");
    expect(grantDisplayMode("fullscreen", "modal", false)).toBe("modal");
  });
  it("answers an unknown mode with the mode in force", () => {
    expect(grantDisplayMode(null, "inline", true)).toBe("inline");
    expect(grantDisplayMode(null, "modal", true)).toBe("modal");
  });
});
