import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { PatientForms } from "./PatientForms";
import { tokenFromHash } from "./api";
import "../styles.css";
import "./patient.css";

// The patient's forms page (/forms/fill#<token>, config/webapp.py): the token
// stays in the fragment, which browsers never send to a server.
const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <PatientForms token={tokenFromHash(window.location.hash)} />
    </StrictMode>,
  );
}
