/* Receipts of payment and payments: what is allocated per document and what is left as a prepayment, live.
   "Oldest first" previews the amounts automatic allocation would take (rows come oldest due first) and locks the
   typed ones. Works on the entry form (#payment-form), "apply what is left" and a partner's credits (#apply-form);
   the open documents are swapped in by htmx when the partner changes. No framework. */
(function () {
  "use strict";
  var form = document.querySelector("form#payment-form, form#apply-form");
  if (!form) return;

  function cents(text) {
    var value = parseFloat(String(text || "").replace(/,/g, ""));
    return isNaN(value) ? 0 : Math.round(value * 100);
  }

  function show(value) {
    return (value / 100).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  // What can be allocated: the payment's amount, what is left of it, or the chosen credit.
  function available() {
    var amount = form.querySelector("[data-payment-amount]");
    if (amount) return cents(amount.value);
    var chosen = form.querySelector("input[name=credit]:checked");
    if (chosen) return cents(chosen.getAttribute("data-credit"));
    return cents(form.getAttribute("data-credit"));
  }

  function update() {
    var auto = form.querySelector("[data-payment-auto]");
    var automatic = auto && auto.checked;
    var left = available();
    var total = 0;
    var inputs = form.querySelectorAll("input[data-alloc]");
    Array.prototype.forEach.call(inputs, function (input) {
      input.readOnly = !!automatic;
      if (automatic) {
        var row = input.closest("tr");
        var take = Math.max(0, Math.min(cents(row && row.getAttribute("data-open")), available() - total));
        input.placeholder = take ? show(take) : "";
        total += take;
      } else {
        input.placeholder = "";
        total += cents(input.value);
      }
    });
    var allocated = document.getElementById("summary-allocated");
    var rest = document.getElementById("summary-left");
    var warning = document.getElementById("summary-warning");
    if (allocated) allocated.textContent = show(total);
    if (rest) rest.textContent = show(Math.max(0, left - total));
    if (warning) {
      var over = total > left && !automatic;
      warning.hidden = !over;
      warning.textContent = over ? warning.getAttribute("data-msg-over") : "";
    }
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  document.body.addEventListener("htmx:afterSwap", update);
  update();
})();
