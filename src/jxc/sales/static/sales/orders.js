/* Sales order entry, beside inventory/documents.js (scan adds a line) and inventory/orders.js (prices, totals):
   - each line shows its product's stock in the chosen warehouse (available, reserved, on order), refreshed when a
     line is added or the warehouse changes;
   - the scan field also searches products by name: suggestions come from the products API, and picking one adds
     its line as if its SKU had been scanned. No framework. */
(function () {
  "use strict";
  var form = document.getElementById("document-form");
  if (!form || !form.getAttribute("data-stock-url")) return;
  var rows = document.getElementById("lines-rows");

  function warehouse() {
    var select = form.querySelector("select[name='warehouse']");
    return select ? select.value : "";
  }

  function show(row, figures) {
    ["available", "reserved", "on_order"].forEach(function (key) {
      var cell = row.querySelector("[data-figure='" + key + "']");
      if (!cell) return;
      cell.textContent = figures ? figures[key] : "";
      if (key === "available") cell.classList.toggle("short", !!figures && parseFloat(figures[key]) <= 0);
    });
  }

  // One request for every product on the page; the latest answer wins.
  var ticket = 0;
  function refresh(only) {
    var target = only || Array.prototype.slice.call(rows.querySelectorAll("tr.doc-line"));
    var ids = [];
    target.forEach(function (row) {
      var product = row.getAttribute("data-product");
      if (product && ids.indexOf(product) < 0) ids.push(product);
    });
    if (!ids.length || !warehouse()) return;
    var params = new URLSearchParams({ warehouse: warehouse() });
    ids.forEach(function (id) { params.append("product", id); });
    var mine = ++ticket;
    fetch(form.getAttribute("data-stock-url") + "?" + params.toString(), {
      headers: { Accept: "application/json" },
      credentials: "same-origin"
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (!body || (mine !== ticket && !only)) return;
        target.forEach(function (row) { show(row, body.products[row.getAttribute("data-product")]); });
      })
      .catch(function () { /* the figures stay as they were */ });
  }

  form.addEventListener("change", function (event) {
    if (event.target.matches("select[name='warehouse']")) refresh();
  });

  new MutationObserver(function (changes) {
    var added = [];
    changes.forEach(function (change) {
      Array.prototype.forEach.call(change.addedNodes, function (node) {
        if (node.nodeType === 1 && node.matches("tr.doc-line")) added.push(node);
      });
    });
    if (added.length) refresh(added);
  }).observe(rows, { childList: true });

  // Product search in the scan field: suggestions by name, SKU or pinyin initials.
  var scan = form.querySelector("[data-product-search]");
  var list = document.getElementById("product-suggestions");
  var searchUrl = form.getAttribute("data-search-url");
  var timer = null;
  var known = {};

  function suggest(text) {
    var params = new URLSearchParams({ q: text, page_size: "8" });
    fetch(searchUrl + "?" + params.toString(), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (!body || scan.value.trim() !== text) return;
        list.textContent = "";
        known = {};
        body.items.forEach(function (product) {
          var option = document.createElement("option");
          option.value = product.sku;
          option.label = product.name + (product.spec ? " " + product.spec : "");
          list.appendChild(option);
          known[product.sku] = true;
        });
      })
      .catch(function () { /* no suggestions */ });
  }

  if (scan && list && searchUrl) {
    scan.addEventListener("input", function (event) {
      var text = scan.value.trim();
      // Picking a suggestion puts its SKU in the field: add it at once, as a scan would.
      if (known[text] && event.inputType !== "insertText" && event.inputType !== "deleteContentBackward") {
        scan.dispatchEvent(new CustomEvent("scan", { bubbles: true, detail: { code: text } }));
        return;
      }
      window.clearTimeout(timer);
      if (text.length < 2 || /^\d{8,}$/.test(text)) return; // a barcode being scanned: no search
      timer = window.setTimeout(function () { suggest(text); }, 250);
    });
  }
})();
