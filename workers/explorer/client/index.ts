/**
 * The explorer's browser script, served as one file. It is plain JavaScript
 * kept in strings (no build step, no template literals inside) and runs in
 * one function scope so the parts share helpers without globals.
 */
import { CORE_JS } from "./core";
import { HOME_JS } from "./home";
import { PAGES_JS } from "./pages";
import { PRODUCERS_JS } from "./producers";
import { ROUTER_JS } from "./router";

export const EXPLORER_JS = ["(function () {", '"use strict";', CORE_JS, PRODUCERS_JS, HOME_JS, PAGES_JS, ROUTER_JS, "})();"].join("\n");
