// Start YASGUI on the query page: one tab per example question, this endpoint only.
(function () {
  "use strict";
  const Yasgui = window.Yasgui.default || window.Yasgui; // the UMD bundle unwraps itself
  const root = document.getElementById("yasgui");
  const endpoint = root.dataset.endpoint;
  const examples = JSON.parse(document.getElementById("examples").textContent);
  // The class and property completers ask lov.linkeddata.es: keep the page offline.
  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  const yasgui = new Yasgui(root, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    autoAddOnInit: false,
    persistenceId: null,
    endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }] },
  });
  examples.forEach(function (example, i) {
    yasgui.addTab(i === 0, {
      name: example.title,
      yasqe: { value: example.query },
      requestConfig: { endpoint: endpoint, method: "POST" },
    });
  });
})();
