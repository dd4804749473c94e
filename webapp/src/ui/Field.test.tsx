import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { errorsByField } from "../api";
import { Field } from "./Field";

describe("a field and the API's error for it", () => {
  it("shows the error right below the input, tied to it for screen readers", () => {
    const errors = errorsByField([{ field: "new_password", code: "PASSWORD_TOO_WEAK", message: "Too short." }]);
    render(<Field label="New password" type="password" error={errors["newPassword"]} />);
    const input = screen.getByLabelText("New password");
    expect(input).toHaveAttribute("aria-invalid", "true");
    expect(input).toHaveAccessibleDescription("Too short.");
    expect(screen.getByRole("alert")).toHaveTextContent("Too short.");
  });

  it("keeps errors naming no field apart", () => {
    expect(errorsByField([{ field: null, code: "INVALID", message: "No." }])).toEqual({ "": "No." });
  });
});
