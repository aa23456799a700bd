// Initialise GOV.UK Frontend components. Loaded as an external ES module
// because the site's CSP forbids inline scripts:
//   <script type="module" src="/static/js/govuk-init.js"></script>
// Browsers that cannot run ES modules never execute this file, so they keep
// the no-JS styles; that is the same test GOV.UK's own inline snippet makes
// ('noModule' in HTMLScriptElement.prototype).
import { initAll } from "/static/vendor/govuk-frontend/govuk-frontend.min.js";

// GOV.UK Frontend's CSS and JS only enhance components when <body> carries
// these classes (initAll() refuses to run without govuk-frontend-supported).
document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
