/* Shipment entry: the scan field adds a line (or one more to the same line); the open order lines panel adds rows
   for order lines (one, a whole order, or all); location lists follow the warehouse.
   app.js turns Enter in [data-scan-add] into a "scan" event. No framework. */
(function () {
  "use strict";
  var form = document.querySelector("form#shipment-form");
  if (!form) return;
  var scan = form.querySelector("[data-scan-add]");
  var message = document.getElementById("scan-error");
  var rows = document.getElementById("lines-rows");
  var total = document.getElementById("id_lines-TOTAL_FORMS");
  var queue = Promise.resolve();

  function say(text) {
    if (message) message.textContent = text || "";
  }

  function number(input) {
    var value = parseFloat(input && input.value);
    return isNaN(value) ? 0 : value;
  }

  function round(value) {
    return String(Math.round(value * 1e6) / 1e6);
  }

  function visibleRows() {
    return Array.prototype.slice.call(rows.querySelectorAll("tr.doc-line:not(.is-removed)"));
  }

  function unitName(row) {
    var select = row.querySelector("select[name$='-unit']");
    var option = select && select.options[select.selectedIndex];
    return option ? option.textContent.trim() : "";
  }

  // The visible line of this product in this unit, if there is one (a free line before an order's line).
  function findRow(productId, unit) {
    var found = null;
    visibleRows().forEach(function (row) {
      if (row.getAttribute("data-product") !== String(productId) || unitName(row) !== unit) return;
      if (!found || (found.getAttribute("data-order-line") && !row.getAttribute("data-order-line"))) found = row;
    });
    return found;
  }

  function flash(row) {
    row.classList.add("is-flash");
    window.setTimeout(function () { row.classList.remove("is-flash"); }, 700);
  }

  function addOne(row) {
    var input = row.querySelector("input[name$='-quantity']");
    input.value = round(number(input) + 1);
    flash(row);
  }

  function json(response) {
    return response.json().then(
      function (body) { return { ok: response.ok, body: body }; },
      function () { return { ok: response.ok, body: {} }; }
    );
  }

  // Ask the server for new rows (a scanned code, or order lines) and append them.
  function appendRows(params) {
    var index = parseInt(total.value, 10) || 0;
    params.set("index", String(index));
    return fetch(form.getAttribute("data-line-url") + "?" + params.toString(), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          return json(response).then(function (result) { say(result.body.message || ""); });
        }
        return response.text().then(function (html) {
          var before = rows.children.length;
          rows.insertAdjacentHTML("beforeend", html);
          var added = Array.prototype.slice.call(rows.children, before);
          total.value = String(index + added.length);
          added.forEach(function (row) {
            filterLocations(row, false);
            flash(row);
          });
          markAdded();
          say("");
        });
      });
  }

  function lookup(code) {
    var url = form.getAttribute("data-lookup-url") + "?code=" + encodeURIComponent(code);
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(json)
      .then(function (result) {
        if (!result.ok) {
          say(result.body.message || code);
          return undefined;
        }
        var row = findRow(result.body.id, result.body.unit);
        if (row) {
          addOne(row);
          say("");
          return undefined;
        }
        return appendRows(new URLSearchParams({ code: code }));
      });
  }

  function enqueue(work) {
    queue = queue.then(work).catch(function () { say(form.getAttribute("data-msg-network")); });
  }

  // Scans are handled one after the other, in the order they were read (a scanner can be faster than the server).
  if (scan) {
    scan.addEventListener("scan", function (event) {
      var code = event.detail.code;
      scan.value = "";
      enqueue(function () { return lookup(code); });
    });
  }

  // The open order lines panel: "Add" one line, "Add order" for all its lines, or "Add all" not in the form yet.
  function inForm() {
    var ids = {};
    visibleRows().forEach(function (row) {
      var id = row.getAttribute("data-order-line");
      if (id) ids[id] = true;
    });
    return ids;
  }

  function markAdded() {
    var ids = inForm();
    document.querySelectorAll("[data-order-line-row]").forEach(function (line) {
      var added = !!ids[line.getAttribute("data-order-line-row")];
      var button = line.querySelector("[data-add-order-lines]");
      if (button) button.disabled = added;
      line.classList.toggle("muted", added);
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-add-order-lines]");
    if (!button) return;
    event.preventDefault();
    var table = button.closest("table");
    var present = inForm();
    var wanted = [];
    var which = button.getAttribute("data-add-order-lines");
    table.querySelectorAll("[data-order-line-row]").forEach(function (line) {
      var id = line.getAttribute("data-order-line-row");
      var order = "order:" + line.getAttribute("data-order");
      if ((which === "all" || which === id || which === order) && !present[id]) wanted.push(id);
    });
    if (!wanted.length) return;
    // The first lines of an empty shipment state prices as their order does and ship from its warehouse.
    var first = table.querySelector("[data-order-line-row='" + wanted[0] + "']");
    if (first && !visibleRows().length) {
      var basis = form.querySelector("input[name='prices_include_tax']");
      if (basis) basis.checked = first.getAttribute("data-prices-include-tax") === "true";
      var warehouse = form.querySelector("select[name='warehouse']");
      if (warehouse) {
        warehouse.value = first.getAttribute("data-warehouse");
        filterLocations(form, true);
      }
    }
    var params = new URLSearchParams({ customer: table.getAttribute("data-customer") });
    wanted.forEach(function (id) { params.append("order_line", id); });
    enqueue(function () { return appendRows(params); });
  });

  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "order-lines-panel") markAdded();
  });

  // Removing a row frees its order line in the panel again.
  rows.addEventListener("click", function (event) {
    if (event.target.closest("[data-formset-remove]")) window.setTimeout(markAdded, 0);
  });

  // Location lists show the locations of the chosen warehouse.
  function filterLocations(scope, reset) {
    var select = form.querySelector("select[name='warehouse']");
    var warehouse = select ? select.value : "";
    (scope || form).querySelectorAll("select[data-location-for]").forEach(function (places) {
      Array.prototype.forEach.call(places.options, function (option) {
        var owner = option.getAttribute("data-warehouse");
        var other = warehouse !== "" && owner !== null && owner !== warehouse;
        option.hidden = other;
        if (other && option.selected && reset) places.value = "";
      });
    });
  }

  form.addEventListener("change", function (event) {
    if (event.target.matches("select[name='warehouse']")) filterLocations(form, true);
  });
  filterLocations(form, false);
})();
