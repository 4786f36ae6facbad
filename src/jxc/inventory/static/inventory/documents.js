/* Stock document entry: the scan field adds a line (or one more to the same line); location lists follow the
   chosen warehouses. app.js turns Enter in [data-scan-add] into a "scan" event. No framework. */
(function () {
  "use strict";
  var form = document.getElementById("document-form");
  if (!form) return;
  var scan = form.querySelector("[data-scan-add]");
  var message = document.getElementById("scan-error");
  var rows = document.getElementById("lines-rows");
  var total = document.getElementById("id_lines-TOTAL_FORMS");
  var queue = Promise.resolve();

  function say(text) {
    message.textContent = text || "";
  }

  function unitName(row) {
    var select = row.querySelector("select[name$='-unit']");
    var option = select && select.options[select.selectedIndex];
    return option ? option.textContent.trim() : "";
  }

  // The visible line of this product in this unit, if there is one.
  function findRow(productId, unit) {
    var lines = rows.querySelectorAll("tr.doc-line:not(.is-removed)");
    for (var i = 0; i < lines.length; i++) {
      if (lines[i].getAttribute("data-product") === String(productId) && unitName(lines[i]) === unit) return lines[i];
    }
    return null;
  }

  function flash(row) {
    row.classList.add("is-flash");
    window.setTimeout(function () { row.classList.remove("is-flash"); }, 700);
  }

  function addOne(row) {
    var input = row.querySelector("input[name$='-quantity']");
    var value = parseFloat(input.value);
    if (isNaN(value)) value = 0;
    input.value = String(Math.round((value + 1) * 1e6) / 1e6);
    flash(row);
  }

  function json(response) {
    return response.json().then(
      function (body) { return { ok: response.ok, body: body }; },
      function () { return { ok: response.ok, body: {} }; }
    );
  }

  function appendRow(code) {
    var index = parseInt(total.value, 10) || 0;
    var params = new URLSearchParams({ code: code, kind: form.getAttribute("data-kind"), index: String(index) });
    return fetch(form.getAttribute("data-line-url") + "?" + params.toString(), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          return json(response).then(function (result) { say(result.body.message || code); });
        }
        return response.text().then(function (html) {
          rows.insertAdjacentHTML("beforeend", html);
          total.value = String(index + 1);
          var row = rows.lastElementChild;
          filterLocations(row, false);
          flash(row);
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
        return appendRow(code);
      });
  }

  // Scans are handled one after the other, in the order they were read (a scanner can be faster than the server).
  scan.addEventListener("scan", function (event) {
    var code = event.detail.code;
    scan.value = "";
    queue = queue
      .then(function () { return lookup(code); })
      .catch(function () { say(form.getAttribute("data-msg-network")); });
  });

  // Location lists show the locations of the chosen warehouse ("to" lists: of the target warehouse).
  function chosen(name) {
    var select = form.querySelector("select[name='" + name + "']");
    return select ? select.value : "";
  }

  function filterLocations(scope, reset) {
    var from = chosen("warehouse");
    var to = chosen("to_warehouse") || from;
    (scope || form).querySelectorAll("select[data-location-for]").forEach(function (select) {
      var warehouse = select.getAttribute("data-location-for") === "to" ? to : from;
      Array.prototype.forEach.call(select.options, function (option) {
        var owner = option.getAttribute("data-warehouse");
        var other = owner !== null && owner !== warehouse;
        option.hidden = other;
        if (other && option.selected && reset) select.value = "";
      });
    });
  }

  form.addEventListener("change", function (event) {
    if (event.target.matches("select[name='warehouse'], select[name='to_warehouse']")) filterLocations(form, true);
  });
  filterLocations(form, false);
})();
