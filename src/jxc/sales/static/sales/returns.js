/* Sales return entry: the scan field adds a free line (or one more to the same line); the shipment's lines panel
   adds rows for shipment lines (one or all); location lists follow the warehouse; choosing quarantine suggests the
   warehouse's quarantine location. app.js turns Enter in [data-scan-add] into a "scan" event. No framework. */
(function () {
  "use strict";
  var form = document.querySelector("form#return-form");
  if (!form) return;
  var scan = form.querySelector("[data-scan-add]");
  var message = document.getElementById("scan-error");
  var rows = document.getElementById("lines-rows");
  var total = document.getElementById("id_lines-TOTAL_FORMS");
  var quarantineData = document.getElementById("quarantine-places");
  var quarantine = quarantineData ? JSON.parse(quarantineData.textContent || "{}") : {};
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

  // The visible free line of this product in this unit, if there is one (a scan never adds to a shipment's line).
  function findRow(productId, unit) {
    var found = null;
    visibleRows().forEach(function (row) {
      if (row.getAttribute("data-product") !== String(productId) || unitName(row) !== unit) return;
      if (!row.getAttribute("data-shipment-line") && !found) found = row;
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

  // Ask the server for new rows (a scanned code, or shipment lines) and append them.
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

  // The shipment's lines: "Add" one line, or "Add all" that are not in the form yet.
  function inForm() {
    var ids = {};
    visibleRows().forEach(function (row) {
      var id = row.getAttribute("data-shipment-line");
      if (id) ids[id] = true;
    });
    return ids;
  }

  function markAdded() {
    var ids = inForm();
    document.querySelectorAll("[data-shipment-line-row]").forEach(function (line) {
      var added = !!ids[line.getAttribute("data-shipment-line-row")];
      var button = line.querySelector("[data-add-shipment-lines]");
      if (button) button.disabled = added;
      line.classList.toggle("muted", added);
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-add-shipment-lines]");
    if (!button) return;
    event.preventDefault();
    var table = button.closest("table");
    var present = inForm();
    var wanted = [];
    var which = button.getAttribute("data-add-shipment-lines");
    table.querySelectorAll("[data-shipment-line-row]").forEach(function (line) {
      var id = line.getAttribute("data-shipment-line-row");
      if ((which === "all" || which === id) && !present[id]) wanted.push(id);
    });
    if (!wanted.length) return;
    var params = new URLSearchParams({ shipment: table.getAttribute("data-shipment") });
    wanted.forEach(function (id) { params.append("shipment_line", id); });
    enqueue(function () { return appendRows(params); });
  });

  // Removing a row frees its shipment line in the panel again.
  rows.addEventListener("click", function (event) {
    if (event.target.closest("[data-formset-remove]")) window.setTimeout(markAdded, 0);
  });

  function warehouseId() {
    var select = form.querySelector("select[name='warehouse']");
    return select ? select.value : "";
  }

  // Location lists show the locations of the chosen warehouse.
  function filterLocations(scope, reset) {
    var warehouse = warehouseId();
    (scope || form).querySelectorAll("select[data-location-for]").forEach(function (places) {
      Array.prototype.forEach.call(places.options, function (option) {
        var owner = option.getAttribute("data-warehouse");
        var other = warehouse !== "" && owner !== null && owner !== warehouse;
        option.hidden = other;
        if (other && option.selected && reset) places.value = "";
      });
    });
  }

  // Quarantine goes to a location that must be named: suggest the warehouse's quarantine area when there is one.
  function dispositionChanged(select) {
    var row = select.closest("tr.doc-line");
    if (!row) return;
    row.setAttribute("data-disposition", select.value);
    var places = row.querySelector("select[data-location-for]");
    var suggested = quarantine[warehouseId()];
    if (places && select.value === "quarantine" && !places.value && suggested) {
      places.value = String(suggested);
    }
  }

  form.addEventListener("change", function (event) {
    if (event.target.matches("select[name='warehouse']")) filterLocations(form, true);
    if (event.target.matches("select[name$='-disposition']")) dispositionChanged(event.target);
  });
  filterLocations(form, false);
  markAdded();
  // A page opened for a customer shows their shipments straight away.
  var customer = form.querySelector("select[name='customer'][hx-get]");
  if (customer && customer.value && window.htmx) {
    window.htmx.trigger(customer, "change");
  }
})();
