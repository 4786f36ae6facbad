/* Order entry (purchase and sales orders), on top of inventory/documents.js (which adds a line per scan): the price
   of a new line, or of a line whose unit changes, is asked from the server (data-price-url, with the partner chosen
   in the header field named by data-party) and says where it came from; the totals follow every change. They are
   for display only: the server computes the stored ones.

   data-price-into="value" (the default) writes the proposed price into the field; "placeholder" shows it greyed in
   the empty field, so that a price left empty is proposed again by the server when the order is saved (and keeps
   its source), while a typed one counts as typed. No framework. */
(function () {
  "use strict";
  var form = document.getElementById("document-form");
  if (!form || !form.getAttribute("data-price-url")) return;
  var rows = document.getElementById("lines-rows");
  var party = form.getAttribute("data-party") || "supplier";
  var intoPlaceholder = form.getAttribute("data-price-into") === "placeholder";
  var pending = null;

  function field(scope, suffix) {
    return scope.querySelector("[name$='-" + suffix + "']");
  }

  function number(input, fallback) {
    if (!input) return fallback;
    var text = (input.value || input.getAttribute("placeholder") || "").replace(/,/g, "").trim();
    var value = parseFloat(text);
    return isNaN(value) ? fallback : value;
  }

  function includeTax() {
    var box = form.querySelector("input[name='prices_include_tax']");
    return box ? box.checked : false;
  }

  // Half up to the cent, like the server (a tiny nudge undoes binary fractions such as 1.005 → 1.00499…).
  function cents(value) {
    return Math.round(value * 100 + 1e-7) / 100;
  }

  function money(value) {
    return value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }

  function lineTotals(row) {
    var quantity = number(field(row, "quantity"), 0);
    var price = number(field(row, "price"), 0);
    var rate = number(field(row, "tax_rate"), 0);
    var discount = number(field(row, "discount_pct"), 0);
    var value = cents(price * quantity * (100 - discount) / 100);
    var tax;
    if (includeTax()) {
      tax = cents(value * rate / (100 + rate));
      return { amount: value - tax, tax: tax, total: value };
    }
    tax = cents(value * rate / 100);
    return { amount: value, tax: tax, total: value + tax };
  }

  function recount() {
    pending = null;
    var amount = 0;
    var tax = 0;
    rows.querySelectorAll("tr.doc-line").forEach(function (row) {
      var cell = row.querySelector("[data-line-total]");
      if (row.classList.contains("is-removed")) return;
      var line = lineTotals(row);
      amount += line.amount;
      tax += line.tax;
      if (cell) cell.textContent = money(line.total);
    });
    var charges = number(form.querySelector("input[name='freight']"), 0) + number(form.querySelector("input[name='other_charges']"), 0);
    amount = cents(amount);
    tax = cents(tax);
    document.getElementById("total-amount").textContent = money(amount);
    document.getElementById("total-tax").textContent = money(tax);
    document.getElementById("total-charges").textContent = money(cents(charges));
    document.getElementById("total-sum").textContent = money(cents(amount + tax + charges));
  }

  function later() {
    if (pending === null) pending = window.setTimeout(recount, 0);
  }

  function showSource(row, text) {
    var source = row.querySelector("[data-price-source]");
    if (source) source.textContent = text || "";
  }

  // Ask the server for the price of this row's product in its unit; the latest answer wins.
  function recall(row) {
    var product = row.getAttribute("data-product");
    var unit = field(row, "unit");
    var price = field(row, "price");
    if (!product || !price) return;
    var chosen = form.querySelector("select[name='" + party + "']");
    var params = new URLSearchParams({
      product: product,
      unit: unit ? unit.value : "",
      include_tax: includeTax() ? "1" : "0"
    });
    params.set(party, chosen ? chosen.value : "");
    var ticket = String(Date.now()) + Math.random();
    row.setAttribute("data-recall", ticket);
    fetch(form.getAttribute("data-price-url") + "?" + params.toString(), {
      headers: { Accept: "application/json" },
      credentials: "same-origin"
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (!body || row.getAttribute("data-recall") !== ticket) return;
        if (intoPlaceholder) {
          price.setAttribute("placeholder", body.price);
          if (!price.value) showSource(row, body.label);
        } else {
          price.value = body.price;
          price.setAttribute("data-recalled", "1");
          showSource(row, body.label);
        }
        var rate = field(row, "tax_rate");
        if (rate && !rate.value) rate.value = body.tax_rate;
        recount();
      })
      .catch(function () { /* the price stays empty: the server proposes it on save */ });
  }

  function recalled(row) {
    var price = field(row, "price");
    return price && (!price.value || price.getAttribute("data-recalled") === "1");
  }

  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("select[name$='-unit']")) {
      recall(target.closest("tr"));
    } else if (target.matches("select[name='" + party + "'], input[name='prices_include_tax']")) {
      rows.querySelectorAll("tr.doc-line:not(.is-removed)").forEach(function (row) {
        if (recalled(row)) recall(row);
      });
    }
    later();
  });

  form.addEventListener("input", function (event) {
    var target = event.target;
    if (target.matches("input[name$='-price']")) {
      var row = target.closest("tr");
      target.removeAttribute("data-recalled");
      if (target.value) {
        showSource(row, form.getAttribute("data-msg-typed"));
      } else if (intoPlaceholder) {
        recall(row);
      } else {
        showSource(row, "");
      }
    }
    later();
  });

  // Rows added by a scan get their price; a scan that adds one to a row, or a removed row, changes the totals.
  // (Only rows coming and going, and their classes: the totals written into the cells must not count.)
  new MutationObserver(function (changes) {
    var relevant = false;
    changes.forEach(function (change) {
      if (change.type === "attributes") {
        relevant = relevant || change.target.matches("tr.doc-line");
        return;
      }
      if (change.target !== rows) return;
      relevant = true;
      Array.prototype.forEach.call(change.addedNodes, function (node) {
        if (node.nodeType === 1 && node.matches("tr.doc-line") && recalled(node)) recall(node);
      });
    });
    if (relevant) later();
  }).observe(rows, { childList: true, subtree: true, attributes: true, attributeFilter: ["class"] });

  rows.querySelectorAll("tr.doc-line").forEach(function (row) {
    var price = field(row, "price");
    if (price && !price.value && !row.classList.contains("is-removed")) recall(row);
  });
  recount();
})();
