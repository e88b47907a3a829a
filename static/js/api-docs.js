/* The API reference page (/developers/api): Swagger UI (static/vendor/swagger-ui-dist-*) reads the
   served OpenAPI document named by data-spec-url. Kept out of the page so the CSP needs no inline script. */
(function () {
  "use strict";
  function start() {
    var root = document.getElementById("api-reference");
    if (!root || typeof window.SwaggerUIBundle !== "function") return;
    window.SwaggerUIBundle({
      url: root.getAttribute("data-spec-url"),
      domNode: root,
      deepLinking: true,
      docExpansion: "list",
      defaultModelsExpandDepth: 0,
      tryItOutEnabled: false,
      persistAuthorization: false
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
