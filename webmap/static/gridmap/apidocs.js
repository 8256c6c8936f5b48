// The API description in Swagger UI (vendored, scripts/vendor.py). A signed-in reader's
// "Try it out" goes as them: the session cookie by itself, the CSRF token in its header.
window.addEventListener("DOMContentLoaded", () => {
  window.ui = SwaggerUIBundle({
    url: "/api/v1/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null, // no badge fetched from validator.swagger.io
    requestInterceptor: (req) => {
      const m = document.cookie.match(/(?:^|;\s*)gridmap_csrf=([^;]+)/);
      if (m) req.headers["X-CSRF-Token"] = decodeURIComponent(m[1]);
      return req;
    },
  });
});
