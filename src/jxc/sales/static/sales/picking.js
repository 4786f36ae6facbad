/* The pick list: every scan is sent as it is read, one after the other in the order read (a scanner can be
   faster than the server); the scan field is cleared at once and keeps the focus, and the answer — picked, or
   refused with its reason — replaces the status beside it, the pick list coming along out of band.
   app.js turns Enter in [data-scan-add] into a "scan" event. No framework. */
(function () {
  "use strict";
  var queue = Promise.resolve();

  function field(form) {
    return form.querySelector("input[name=code]");
  }

  document.addEventListener("scan", function (event) {
    var form = event.target.closest && event.target.closest("[data-pick-scan]");
    if (!form) return;
    var values = {
      csrfmiddlewaretoken: form.querySelector("input[name=csrfmiddlewaretoken]").value,
      code: event.detail.code
    };
    event.target.value = "";
    queue = queue.then(function () {
      return window.htmx.ajax("POST", form.getAttribute("action"), {
        target: "#scan-status", swap: "outerHTML", values: values
      });
    }).catch(function () {
      var status = document.getElementById("scan-status");
      if (status) status.textContent = form.getAttribute("data-msg-network");
    });
  });

  // After the Pick button (picked or refused) the field clears and keeps focus, ready for the next code.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target.closest && event.target.closest("[data-pick-scan]");
    if (!form) return;
    var code = field(form);
    if (code && event.detail.elt === form) code.value = "";
    if (code) code.focus();
  });
})();
