import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "../shared/markdown/markdown.css";
import { App } from "./app/App";
import "./styles.css";

createRoot(document.getElementById("root") as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
