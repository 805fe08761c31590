// Start YASGUI on the query page: one tab per example question, this endpoint only.
(function () {
  "use strict";
  const Yasgui = window.Yasgui.default || window.Yasgui; // the UMD bundle unwraps itself
  const root = document.getElementById("yasgui");
  const endpoint = root.dataset.endpoint;
  const examples = JSON.parse(document.getElementById("examples").textContent);
  openOurIrisHere(root, root.dataset.base, root.dataset.localOntology);
  keepAccessible(root, root.dataset.editorLabel);
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

  // Result IRIs that this graph mints ({base}id/…, {base}graph/…, {base}dataset, the ontology)
  // link to their pages on this server, wherever the base IRI points (it may not resolve yet).
  // YASR redraws its tables (paging, sorting, another tab), so every link it adds is rewritten.
  function openOurIrisHere(container, base, ontology) {
    function localPath(iri) {
      if (ontology && iri.startsWith(ontology)) return "/ontology#" + iri.slice(ontology.length);
      if (!base || !iri.startsWith(base)) return null;
      const rest = iri.slice(base.length);
      return /^(id\/|graph\/|dataset$)/.test(rest) ? "/" + rest : null;
    }
    function rewrite(scope) {
      scope.querySelectorAll("a[href]").forEach(function (link) {
        const iri = link.getAttribute("href");
        const local = localPath(iri);
        if (local !== null) {
          link.setAttribute("href", local); // YASR opens it in a new tab: the results stay
          if (!link.title) link.title = iri;
        }
      });
    }
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        change.addedNodes.forEach(function (node) {
          if (node.nodeType === Node.ELEMENT_NODE) rewrite(node.parentNode || node);
        });
      });
    }).observe(container, { childList: true, subtree: true });
  }

  // YASGUI's own markup fails axe-core in three places; mend them as it draws (tests/test_browser.py).
  function keepAccessible(container, editorLabel) {
    function mend() {
      // The editor's hidden textarea is what screen readers and keyboards type into: name it.
      container.querySelectorAll(".yasqe textarea:not([aria-label])").forEach(function (area) {
        area.setAttribute("aria-label", editorLabel);
      });
      // Only the open tab's panel exists, so the other tabs may not point at theirs.
      container.querySelectorAll("[role=tab][aria-controls]").forEach(function (tab) {
        if (!document.getElementById(tab.getAttribute("aria-controls"))) {
          tab.removeAttribute("aria-controls");
        }
      });
      // A tab list may hold only tabs: the "add a tab" button goes right after it.
      container.querySelectorAll(".tabsList > :not(.tab)").forEach(function (extra) {
        if (extra.querySelector("button.addTab")) extra.parentNode.after(extra);
      });
    }
    mend();
    new MutationObserver(mend).observe(container, { childList: true, subtree: true });
  }
})();
