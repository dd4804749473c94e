import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { PatientForms } from "./PatientForms";
import { tokenFromHash } from "./api";
import "../styles.css";
import "./patient.css";

// The patient's forms page (/forms/fill#<token>, config/webapp.py): the token
// stays in the fragment, which browsers never send to a server. Read once, it
// leaves the address bar and the history, so a shared tablet or a phone's
// history does not keep a live link (a reload then shows the dead-link page).
const token = tokenFromHash(window.location.hash);
if (window.location.hash) window.history.replaceState(null, "", window.location.pathname);
const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <PatientForms token={token} />
    </StrictMode>,
  );
}
