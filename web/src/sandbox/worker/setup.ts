// The worker's set-up, imported before anything else (so before React DOM looks at its
// environment): the network globals are removed, remote-dom's DOM polyfill is installed with the
// additions React DOM needs, and every attribute change, the runtime's own custom elements'
// included, is sent to the frame.
import { neuter } from "./neuter";
import { hooks } from "@remote-dom/core/polyfill";
import { updateRemoteElementAttribute } from "@remote-dom/core/elements";
import { installDom } from "./dom";

/** The network globals that could not be removed (the component is then not started). */
export const notRemoved = neuter(globalThis);

hooks.setAttribute = (element, name, value) => updateRemoteElementAttribute(element, name, value);
hooks.removeAttribute = (element, name) => updateRemoteElementAttribute(element, name);
installDom(globalThis);
