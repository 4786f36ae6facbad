/* Stock count sheet: keep the scan field ready for the next scan, move through counted inputs with Enter. */
(function () {
  "use strict";

  function scanField() {
    return document.querySelector("[data-count-scan] input[name=code]");
  }

  // After the Add button (accepted or refused) the field clears and keeps focus, ready for the next code.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target.closest && event.target.closest("[data-count-scan]");
    if (!form) return;
    var code = form.querySelector("input[name=code]");
    var quantity = form.querySelector("input[name=quantity]");
    if (quantity) quantity.value = "";
    if (code) { code.value = ""; code.focus(); }
  });

  // A scanner can read the next code before the server has answered the last one: every scan (app.js turns
  // Enter in [data-scan-add] into a "scan" event) is taken with its location and quantity at once, the field
  // is cleared for the next code, and the scans are sent one after the other in the order they were read.
  var queue = Promise.resolve();
  document.addEventListener("scan", function (event) {
    var form = event.target.closest && event.target.closest("[data-count-scan]");
    if (!form) return;
    var quantity = form.querySelector("input[name=quantity]");
    var values = {
      csrfmiddlewaretoken: form.querySelector("input[name=csrfmiddlewaretoken]").value,
      location: form.querySelector("select[name=location]").value,
      code: event.detail.code,
      quantity: quantity ? quantity.value : ""
    };
    event.target.value = "";
    if (quantity) quantity.value = "";
    queue = queue.then(function () {
      return window.htmx.ajax("POST", form.getAttribute("action"), {
        target: "#scan-status", swap: "outerHTML", values: values
      });
    }).catch(function () {
      var status = document.getElementById("scan-status");
      if (status) status.textContent = form.getAttribute("data-msg-network");
    });
  });

  // Enter in a counted quantity moves to the next line instead of saving the whole sheet.
  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (event.key !== "Enter" || !input.matches || !input.matches("[data-count-input]")) return;
    event.preventDefault();
    var inputs = Array.prototype.slice.call(document.querySelectorAll("[data-count-input]"));
    var next = inputs[inputs.indexOf(input) + 1];
    if (next) { next.focus(); next.select(); }
    else document.getElementById("sheet-save").focus();
  });

  // Typed but unsaved quantities are not lost by leaving the page by mistake.
  var dirty = false;
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("[data-count-input]")) dirty = true;
  });
  document.addEventListener("submit", function (event) {
    if (event.target.id === "sheet-form") dirty = false;
  }, true);
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });

  // The print view's button.
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) window.print();
  });

  // The location being counted is remembered for this sheet (until the tab is closed), then the scan field
  // takes the focus again.
  document.addEventListener("DOMContentLoaded", function () {
    var code = scanField();
    var select = document.querySelector("[data-count-scan] select[name=location]");
    if (select) {
      var key = "jxc-count-location:" + window.location.pathname;
      var saved = window.sessionStorage.getItem(key);
      var asked = new URLSearchParams(window.location.search).has("location");
      if (!asked && saved && select.querySelector("option[value='" + saved + "']")) select.value = saved;
      select.addEventListener("change", function () {
        window.sessionStorage.setItem(key, select.value);
        if (code) code.focus();
      });
    }
    if (code) code.focus();
  });
})();
