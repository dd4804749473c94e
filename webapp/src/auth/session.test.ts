import { afterEach, describe, expect, it } from "vitest";
import { clearSession, readSession, writeSession } from "./session";

describe("the stored session", () => {
  afterEach(() => window.localStorage.clear());

  it("is read back until it expires, then dropped", () => {
    writeSession("msp_token", "2026-12-07T12:00:00Z");
    expect(readSession(new Date("2026-12-07T11:59:59Z"))?.token).toBe("msp_token");
    expect(readSession(new Date("2026-12-07T12:00:00Z"))).toBeNull();
    expect(window.localStorage.getItem("medspa.session")).toBeNull();
  });

  it("ignores what it cannot read, and clears", () => {
    window.localStorage.setItem("medspa.session", "{not json");
    expect(readSession()).toBeNull();
    writeSession("msp_token", null);
    clearSession();
    expect(readSession()).toBeNull();
  });
});
