/* JXC: small behaviours on top of htmx. No framework, no build step. */
(function () {
  "use strict";

  // "/" focuses the global search (unless typing in a field); Esc leaves it.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT" || target.isContentEditable);
    var search = document.getElementById("global-search");
    if (event.key === "/" && !typing && search) {
      event.preventDefault();
      search.focus();
      search.select();
    }
    if (event.key === "Escape" && target === search) {
      var suggest = document.getElementById("search-suggest");
      if (suggest) suggest.innerHTML = "";
      search.blur();
    }
  });

  // Sidebar toggle on phones.
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-toggle-sidebar]");
    if (toggle) {
      document.getElementById("shell").classList.toggle("sidebar-open");
    }
    var suggest = document.getElementById("search-suggest");
    if (suggest && !event.target.closest(".global-search")) suggest.innerHTML = "";
  });

  // Inline formsets: "add a row" clones the <template>, "remove" marks DELETE and hides the row.
  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-formset-add]");
    if (add) {
      event.preventDefault();
      var prefix = add.getAttribute("data-formset-add");
      var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
      var template = document.getElementById(prefix + "-empty");
      var body = document.getElementById(prefix + "-rows");
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      body.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var first = body.lastElementChild && body.lastElementChild.querySelector("input, select");
      if (first) first.focus();
      return;
    }
    var remove = event.target.closest("[data-formset-remove]");
    if (remove) {
      event.preventDefault();
      var row = remove.closest("tr");
      var flag = row.querySelector("input[name$='-DELETE']");
      if (flag) flag.checked = true;
      row.classList.add("is-removed");
    }
  });

  // The export link and the language switch follow the list's current filters, which htmx keeps in the
  // address bar without re-rendering the page head.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-export]");
    if (!link) return;
    var params = new URLSearchParams(window.location.search);
    params.delete("page");
    params.set("export", "xlsx");
    link.href = window.location.pathname + "?" + params.toString();
  }, true);
  document.addEventListener("submit", function (event) {
    if (!event.target.matches(".lang-switch")) return;
    var next = event.target.querySelector("input[name=next]");
    if (next) next.value = window.location.pathname + window.location.search;
  }, true);

  // Confirm before actions marked data-confirm.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  }, true);

  // A scanner types the code and presses Enter: in a scan field, Enter must not submit the whole form.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches && event.target.matches("[data-scan-add]")) {
      event.preventDefault();
      var code = event.target.value.trim();
      if (!code) return;
      event.target.dispatchEvent(new CustomEvent("scan", { bubbles: true, detail: { code: code } }));
    }
  });
})();
