import { describe, expect, it } from "vitest";
import { serviceChanges, type CatalogService, type ServiceFields } from "./ServiceForm";

const service: CatalogService = {
  id: "s1",
  name: "Hydrafacial",
  description: "",
  durationMinutes: 60,
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 10,
  priceCents: 19900,
  currency: "USD",
  isActive: true,
  isBookableOnline: true,
  requiredCredentials: ["RN", "MD"],
  requiredResourceTypes: [{ id: "t1", name: "Treatment room" }],
  category: { id: "c1", name: "Facials" },
};

const unchanged: ServiceFields = {
  name: "Hydrafacial",
  description: "",
  categoryId: "c1",
  duration: "60",
  bufferBefore: "0",
  bufferAfter: "10",
  price: "199.00",
  online: true,
  credentials: ["MD", "RN"],
  resourceTypeIds: ["t1"],
};

describe("a service's edit sends what changed", () => {
  it("sends nothing when nothing changed (credentials in another order are the same)", () => {
    expect(serviceChanges(service, unchanged)).toEqual({});
  });

  it("sends each changed detail as the API names it, money in cents", () => {
    const changed = {
      ...unchanged,
      categoryId: "c2",
      duration: "75",
      bufferBefore: "15",
      price: "210.50",
      online: false,
      credentials: [],
      resourceTypeIds: ["t1", "t2"],
    };
    expect(serviceChanges(service, changed)).toEqual({
      categoryId: "c2",
      durationMinutes: 75,
      bufferBeforeMinutes: 15,
      priceCents: 21050,
      isBookableOnline: false,
      requiredCredentials: [],
      requiredResourceTypeIds: ["t1", "t2"],
    });
  });

  it("sends a number that is not whole as one the API refuses for that field", () => {
    expect(serviceChanges(service, { ...unchanged, duration: "", bufferAfter: "7.5" })).toEqual({
      durationMinutes: -1,
      bufferAfterMinutes: -1,
    });
  });
});
